using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;
using LLMKube.Silo.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>Every sample router, switched to Gateway mode, compiles into objects the API server accepts under the published gateway CRDs.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class GatewaySampleTests(ApiServerFixture api)
{
    private static readonly string[] _folders = [RepoPaths.Samples, Path.Combine(RepoPaths.Root, "samples", "quickstart")];

    public static TheoryData<string, string> Routers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var folder in _folders)
            {
                foreach (var router in ResourceLoader.LoadPath(folder).Resources.Routers) data.Add(Path.GetFileName(folder), router.Metadata.Name!);
            }
            return data;
        }
    }

    [GatewayApiServerTheory]
    [MemberData(nameof(Routers))]
    public async Task TheSampleRouter_InGatewayMode_ProducesObjectsTheApiServerAccepts(string folder, string name)
    {
        await GatewayCrds.InstallAsync(api);
        var loaded = ResourceLoader.LoadPath(_folders.Single(f => Path.GetFileName(f) == folder));
        Assert.Empty(loaded.Problems);
        var router = loaded.Resources.Routers.Single(r => r.Metadata.Name == name);
        router.Metadata.Uid = Guid.NewGuid().ToString();
        if (router.Spec!.DataPlane != "Gateway") ToGatewayMode(router.Spec);
        Assert.Empty(GatewayRouteChecks.Refusals(router.Spec));
        var compiled = RouterCompiler.Compile(router, loaded.Resources);
        Assert.Empty(compiled.Errors);

        var ns = await api.CreateNamespaceAsync("gws");
        var route = GatewayRouteBuilder.Build(router, compiled.Config!, null, DateTimeOffset.UtcNow);
        var writer = new KubernetesWriter(api.Client, TimeProvider.System, NullLogger<KubernetesWriter>.Instance);
        foreach (var manifest in route.Objects)
        {
            manifest.Object["metadata"]!["namespace"] = ns;
            await writer.ApplyObjectAsync(manifest.Kind, manifest.Object);
        }

        var stored = await GatewayCrds.GetAsync(api, GatewayKinds.AIGatewayRoute, ns, GatewayRouteBuilder.RouteName(name));
        Assert.Equal(route.Rules, stored!["spec"]!["rules"]!.AsArray().Count);
        Assert.Equal(route.Objects.Count(o => o.Kind == GatewayKinds.Backend), (await GatewayCrds.NamesAsync(api, GatewayKinds.Backend, ns)).Count);
    }

    // What a user switching these samples to Gateway mode changes: what only our gateway fleet reads goes, credentials move
    // to a BackendSecurityPolicy, globs become exact names, and the in-process mock becomes a real URL.
    private static void ToGatewayMode(ModelRouterSpec spec)
    {
        spec.DataPlane = "Gateway";
        spec.GatewayRef = new GatewayReference { Name = "eg", Namespace = "envoy-gateway-system" };
        spec.Proxy = null;
        spec.Endpoint = null;
        spec.Policy?.AuditLog = null;
        foreach (var backend in spec.Backends!)
        {
            backend.HealthCheck = null;
            backend.CostPerMillionTokens = null;
            backend.Capabilities = null;
            backend.Tier ??= RouterSpecDefaults.EffectiveTier(backend);
            if (backend.External is not { } external) continue;
            external.CredentialsSecretRef = null;
            if (external.Provider == ProviderDefaults.Mock) (external.Provider, external.Url) = (ProviderDefaults.OpenAI, "http://mock.example:8080");
        }
        foreach (var rule in spec.Rules ?? [])
        {
            if (rule.Match?.Models is { } models) rule.Match.Models = [.. models.Select(m => m.Split('*', '?', '[')[0])];
            if (rule.Route!.Strategy == "shadow") rule.Route.Strategy = null;
        }
    }
}
