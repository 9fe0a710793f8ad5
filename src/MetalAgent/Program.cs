using System.CommandLine;

// The Mac agent (DESIGN.md §1) supervises llama-server on Apple Silicon and reports Metal memory
// pressure to the cluster. This build only carries its command surface; the agent itself is not in it yet.
var root = new RootCommand("LLMKube.Orleans Mac agent: runs llama-server natively and reports Metal memory pressure to the cluster.");
root.SetAction(_ =>
{
    Console.Error.WriteLine("llmkube-metal-agent: the Mac agent is not part of this build yet; see README.md for the roadmap.");
    return 1;
});
return await root.Parse(args).InvokeAsync();
