using System.CommandLine;

// The Mac agent supervises llama-server on Apple Silicon and reports Metal memory pressure to the cluster.
// This build carries only its command surface; the agent itself is a later piece of work (see README.md).
const string NotYet = "llmkube-metal-agent is a placeholder in this build: it does not run llama-server or join a cluster yet. "
    + "Serve a Mac's llama-server today as an external backend (external.provider: openai, tier: local, url: http://<mac>:<port>).";
var root = new RootCommand("LLMKube.Orleans Mac agent (placeholder: not functional in this build). " + NotYet);
root.SetAction(_ =>
{
    Console.Error.WriteLine(NotYet);
    return 1;
});
return await root.Parse(args).InvokeAsync();
