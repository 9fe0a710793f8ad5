using System.CommandLine;
using LLMKube.Grains.Resources;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// The gateway's command line. Flags are short forms of configuration keys (DESIGN.md §5): each
/// one becomes a <c>Gateway:*</c> or <c>urls</c> setting, so appsettings and <c>LLMKUBE_</c>
/// environment variables configure the same things.
/// </summary>
public static class GatewayCommand
{
    public static RootCommand Create()
    {
        var standalone = new Option<bool>("--standalone") { Description = "Co-host a silo in this process (the default; no Kubernetes or Redis needed)." };
        var resources = new Option<string?>("--resources") { Description = "A YAML/JSON file or directory of ModelRouter, InferenceService and Secret documents; reloaded when it changes." };
        var router = new Option<string?>("--router") { Description = "The ModelRouter to serve, <namespace>/<name>; optional when the resources hold exactly one." };
        var redis = new Option<string?>("--redis") { Description = "Cluster mode: join the silos registered in this Redis (host:port) as an Orleans client; needs --router." };
        var urls = new Option<string?>("--urls") { Description = "Listen address(es), e.g. http://127.0.0.1:8080 (default)." };
        var root = new RootCommand("LLMKube.Orleans gateway: one OpenAI-compatible endpoint in front of a ModelRouter's backends.")
        {
            standalone, redis, resources, router, urls,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                ["urls"] = parse.GetValue(urls) ?? "http://127.0.0.1:8080",
            };
            if (parse.GetValue(resources) is { } path) overrides["Gateway:Resources"] = path;
            if (parse.GetValue(router) is { } name) overrides["Gateway:Router"] = name;
            if (parse.GetValue(redis) is { } endpoint)
            {
                if (parse.GetValue(standalone))
                {
                    await Console.Error.WriteLineAsync("--standalone and --redis exclude each other: standalone co-hosts its own silo, --redis joins a cluster");
                    return 2;
                }
                overrides["Cluster:Redis"] = endpoint;
            }
            try
            {
                var app = GatewayApp.Build([.. parse.UnmatchedTokens], overrides);
                await app.RunAsync(cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is ResourceLoadException or Microsoft.Extensions.Options.OptionsValidationException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }
        });
        return root;
    }
}
