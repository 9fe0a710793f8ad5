using LLMKube.Gateway.Resources;
using LLMKube.Grains.Api;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Resources;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// How this gateway runs, decided once before the host is built: standalone (a co-hosted silo fed from
/// resource files) or a client of a cluster, and the one ModelRouter it serves.
/// </summary>
/// <param name="Standalone">True when no <c>Cluster:Redis</c> is configured.</param>
/// <param name="Router">The router served.</param>
/// <param name="Resources">Standalone: the resource set read at start-up, applied as it is.</param>
public sealed record GatewayMode(bool Standalone, ObjectKey Router, CompiledResources? Resources)
{
    /// <summary>
    /// Reads the mode from configuration. Throws <see cref="ResourceLoadException"/> when the standalone
    /// resources are invalid and <see cref="OptionsValidationException"/> for a missing or malformed router.
    /// </summary>
    public static GatewayMode Resolve(IConfiguration configuration)
    {
        var gateway = configuration.GetSection(GatewayServerOptions.Section).Get<GatewayServerOptions>() ?? new GatewayServerOptions();
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (!string.IsNullOrWhiteSpace(cluster.Redis))
        {
            if (string.IsNullOrWhiteSpace(gateway.Router))
                throw Invalid("--router <namespace>/<name> is required in cluster mode (--redis)");
            return new GatewayMode(false, ParseRouter(gateway.Router), null);
        }

        if (string.IsNullOrWhiteSpace(gateway.Resources))
            throw new ResourceLoadException("--resources is required: a YAML file or directory holding a ModelRouter (see samples/quickstart/)");
        var resources = CompiledResources.Load(gateway.Resources);
        ObjectKey? requested = string.IsNullOrWhiteSpace(gateway.Router) ? null : ParseRouter(gateway.Router);
        var selection = RouterSelection.Select(resources, requested);
        if (!resources.Succeeded || selection.Router is null)
            throw new ResourceLoadException(resources.RefusalMessage(selection.Problems));
        return new GatewayMode(true, selection.Router.Value, resources);
    }

    private static ObjectKey ParseRouter(string text)
        => ObjectKey.TryParse(text.Trim(), out var key) ? key : throw Invalid($"--router \"{text}\" is not <namespace>/<name>");

    private static OptionsValidationException Invalid(string message)
        => new(GatewayServerOptions.Section, typeof(GatewayServerOptions), [message]);
}
