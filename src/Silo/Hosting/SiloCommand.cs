using System.CommandLine;
using LLMKube.Grains.Resources;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Hosting;

/// <summary>The silo's command line; each flag is a short form of a configuration key.</summary>
public static class SiloCommand
{
    public static RootCommand Create()
    {
        var redis = new Option<string?>("--redis") { Description = "Redis for membership and grain state, host:port (required)." };
        var resources = new Option<string?>("--resources") { Description = "A YAML/JSON file or directory of ModelRouter, InferenceService and Secret documents; reloaded when it changes." };
        var urls = new Option<string?>("--urls") { Description = "Admin listener: /healthz, /readyz and the Orleans dashboard at /dashboard (default http://127.0.0.1:9000)." };
        var siloPort = new Option<int?>("--silo-port") { Description = "Silo-to-silo port (default 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port gateways connect to (default 30000)." };
        var root = new RootCommand("LLMKube.Orleans silo: holds the Router, Backend and RoutingTable grains that every gateway shares.")
        {
            redis, resources, urls, siloPort, gatewayPort,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new Dictionary<string, string?> { ["urls"] = parse.GetValue(urls) ?? "http://127.0.0.1:9000" };
            if (parse.GetValue(redis) is { } r) settings["Cluster:Redis"] = r;
            if (parse.GetValue(resources) is { } path) settings["Silo:Resources"] = path;
            if (parse.GetValue(siloPort) is { } sp) settings["Silo:SiloPort"] = sp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(gatewayPort) is { } gp) settings["Silo:GatewayPort"] = gp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                var app = SiloApp.Build([.. parse.UnmatchedTokens], settings);
                await app.RunAsync(cancellationToken);
                return 0;
            }
            catch (Exception ex) when (ex is ResourceLoadException or OptionsValidationException)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }
        });
        return root;
    }
}
