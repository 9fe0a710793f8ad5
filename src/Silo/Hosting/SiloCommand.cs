using System.CommandLine;
using System.Globalization;
using LLMKube.Grains.Hosting;

namespace LLMKube.Silo.Hosting;

/// <summary>The silo's command line; each flag is a short form of a configuration key, any other key is <c>--Section:Key=value</c>.</summary>
public static class SiloCommand
{
    public static RootCommand Create()
    {
        var redis = new Option<string?>("--redis") { Description = "Redis for membership and grain state, host:port (required)." };
        var resources = new Option<string?>("--resources") { Description = "A YAML/JSON file or directory of ModelRouter, InferenceService and Secret documents; reloaded when it changes." };
        var urls = new Option<string?>("--urls") { Description = "Admin listener: /healthz, /readyz, /metrics and the Orleans dashboard at /dashboard (default http://127.0.0.1:9000)." };
        var siloPort = new Option<int?>("--silo-port") { Description = "Silo-to-silo port (default 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port gateways connect to (default 30000)." };
        var logFormat = new Option<string?>("--log-format") { Description = "Log lines on stderr as text (default) or json." };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var kubernetes = new Option<bool>("--kubernetes") { Description = "Watch and reconcile the CRDs (Silo:Kubernetes:Enabled); in a pod it uses the service account." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Reconcile the CRDs of the cluster this kubeconfig file names (implies --kubernetes)." };
        var root = new RootCommand("LLMKube.Orleans silo: holds the Router, Backend and RoutingTable grains that every gateway shares. "
            + "Other settings: --Section:Key=value (see docs/configuration.md).")
        {
            redis, resources, urls, siloPort, gatewayPort, logFormat, kubernetes, kubeconfig,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.Subcommands.Add(CrdsCommand());
        root.SetAction(async (parse, _) =>
        {
            var (configuration, unknown) = HostRunner.SplitUnmatched(parse.UnmatchedTokens);
            if (unknown.Count > 0) return await HostRunner.RefuseAsync([$"unknown option(s): {string.Join(" ", unknown)}; see --help"]);
            var settings = new Dictionary<string, string?> { ["urls"] = parse.GetValue(urls) ?? "http://127.0.0.1:9000" };
            if (parse.GetValue(redis) is { } r) settings["Cluster:Redis"] = r;
            if (parse.GetValue(resources) is { } path) settings["Silo:Resources"] = path;
            if (parse.GetValue(siloPort) is { } sp) settings["Silo:SiloPort"] = sp.ToString(CultureInfo.InvariantCulture);
            if (parse.GetValue(gatewayPort) is { } gp) settings["Silo:GatewayPort"] = gp.ToString(CultureInfo.InvariantCulture);
            if (parse.GetValue(logFormat) is { } format) settings[ServiceDefaults.FormatterKey] = format == "json" ? "json" : "simple";
            if (parse.GetValue(kubeconfig) is { } file) settings["Silo:Kubernetes:Kubeconfig"] = file;
            if (parse.GetValue(kubernetes) || parse.GetValue(kubeconfig) is not null) settings["Silo:Kubernetes:Enabled"] = "true";
            return await HostRunner.RunAsync(() => SiloApp.Build(configuration, settings), _ => "silo");
        });
        return root;
    }

    // Writes the CRDs generated from the API types: what the chart ships and `kubectl apply -f` installs.
    private static Command CrdsCommand()
    {
        var output = new Option<string>("--out") { Description = "The folder to write one CRD file per kind into.", Required = true };
        var reference = new Option<string?>("--reference") { Description = "Also write the field reference (markdown) to this file." };
        var command = new Command("crds", "Write the CustomResourceDefinitions generated from the API types.") { output, reference };
        command.SetAction(parse =>
        {
            foreach (var path in LLMKube.Grains.Kubernetes.Crds.CrdFiles.WriteAll(parse.GetValue(output)!)) Console.WriteLine(path);
            if (parse.GetValue(reference) is { } file)
            {
                File.WriteAllText(file, LLMKube.Grains.Kubernetes.Crds.CrdReference.Render());
                Console.WriteLine(file);
            }
            return 0;
        });
        return command;
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
}
