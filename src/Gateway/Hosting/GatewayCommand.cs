using System.CommandLine;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Observability;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// The gateway's command line. Flags are short forms of configuration keys: each one becomes a
/// <c>Gateway:*</c>, <c>Cluster:*</c>, <c>Admin:*</c>, <c>Logging:*</c> or <c>urls</c> setting, so appsettings and
/// <c>LLMKUBE_</c> environment variables configure the same things; any other key can be given as
/// <c>--Section:Key=value</c>.
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
        var adminUrls = new Option<string?>("--admin-urls")
        {
            Description = $"Admin listener: /metrics, /healthz, /readyz (default {GatewayApp.DefaultAdminUrls}; 'none' turns it off). Never the --urls port.",
        };
        var logFormat = new Option<string?>("--log-format") { Description = "Log lines on stderr as text (default) or json." };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var root = new RootCommand("LLMKube.Orleans gateway: one OpenAI-compatible endpoint in front of a ModelRouter's backends. "
            + "Other settings: --Section:Key=value (see docs/configuration.md).")
        {
            standalone, redis, resources, router, urls, adminUrls, logFormat,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parse, _) =>
        {
            var (configuration, unknown) = HostRunner.SplitUnmatched(parse.UnmatchedTokens);
            if (unknown.Count > 0) return await HostRunner.RefuseAsync([$"unknown option(s): {string.Join(" ", unknown)}; see --help"]);
            var settings = new Dictionary<string, string?> { ["urls"] = parse.GetValue(urls) ?? "http://127.0.0.1:8080" };
            if (parse.GetValue(adminUrls) is { } admin) settings[AdminListener.UrlsKey] = admin;
            if (parse.GetValue(resources) is { } path) settings["Gateway:Resources"] = path;
            if (parse.GetValue(router) is { } name) settings["Gateway:Router"] = name;
            if (parse.GetValue(logFormat) is { } format) settings[ServiceDefaults.FormatterKey] = format == "json" ? "json" : "simple";
            if (parse.GetValue(redis) is { } endpoint)
            {
                if (parse.GetValue(standalone))
                    return await HostRunner.RefuseAsync(["--standalone and --redis exclude each other: standalone co-hosts its own silo, --redis joins a cluster"]);
                settings["Cluster:Redis"] = endpoint;
            }
            return await HostRunner.RunAsync(() => GatewayApp.Build(configuration, settings), Describe);
        });
        return root;
    }

    /// <summary>Parses and runs; the host, not the command line, handles SIGTERM and Ctrl+C.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var parse = Create().Parse(args);
        // A value the command line refuses is invalid configuration like any other: exit 2, the problem on stderr.
        return parse.Errors.Count > 0
            ? HostRunner.RefuseAsync(parse.Errors.Select(e => e.Message))
            : parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static string Describe(IServiceProvider services)
    {
        var mode = services.GetRequiredService<GatewayMode>();
        return $"gateway ({(mode.Standalone ? "standalone" : "cluster client")}) serving ModelRouter {mode.Router}";
    }
}
