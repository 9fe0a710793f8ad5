using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Hosting;
using LLMKube.Grains.Resources;

namespace LLMKube.Gateway.Resources;

/// <summary>
/// What a standalone gateway takes from the resource files besides the routers: the router it serves
/// must stay in them (a reload that removes it is refused), and the Secret documents hold credentials.
/// </summary>
internal sealed class GatewayResources(CredentialStore credentials, GatewayMode mode) : IResourceConsumer
{
    public IEnumerable<string> Check(ResourceSet resources, string source)
    {
        if (resources.Routers.All(r => r.Key != mode.Router))
            yield return $"{source}: ModelRouter {mode.Router} not found";
    }

    public void Apply(ResourceSet resources) => credentials.Load(resources.Secrets);
}
