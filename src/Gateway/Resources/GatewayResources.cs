using LLMKube.Gateway.Credentials;
using LLMKube.Grains.Resources;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Resources;

/// <summary>
/// What a standalone gateway takes from the resource files besides the routers: which router it
/// serves (the only one, unless <c>--router</c> names one) and the Secret documents for credentials.
/// </summary>
internal sealed class GatewayResources(CredentialStore credentials, IOptions<GatewayOptions> options) : IResourceConsumer
{
    public IEnumerable<string> Check(ResourceSet resources, string source, bool initial)
    {
        var gateway = options.Value;
        var routers = resources.Routers;
        if (gateway.Router is null && initial)
        {
            if (routers.Count == 1) gateway.Router = routers[0].Key.ToString();
            else if (routers.Count == 0) yield return $"{source}: no ModelRouter found";
            else yield return $"{source}: {routers.Count} ModelRouters found ({string.Join(", ", routers.Select(r => r.Key))}); choose one with --router <namespace>/<name>";
        }
        if (gateway.Router is { } selected && routers.All(r => r.Key.ToString() != selected))
            yield return $"{source}: ModelRouter {selected} not found";
    }

    public void Applied(ResourceSet resources) => credentials.Load(resources.Secrets);
}
