using System.Text.Json.Nodes;
using k8s;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// The published CRDs of Envoy Gateway v1.8.1 and Envoy AI Gateway v0.7.0 (the kinds Gateway mode writes), read in
/// place from <c>../shared/reference/crds</c> beside the repository, as CI has it, and installed into the test API
/// server (they install into its v1.26 as they are). Tests that need them are skipped where the folder is absent.
/// </summary>
public static class GatewayCrds
{
    private static readonly string[] _files =
    [
        "envoy-gateway-v1.8.1_backends.yaml", "envoy-gateway-v1.8.1_backendtrafficpolicies.yaml", "envoy-gateway-v1.8.1_securitypolicies.yaml",
        "ai-gateway-v0.7.0_aiservicebackends.yaml", "ai-gateway-v0.7.0_aigatewayroutes.yaml",
    ];

    public static string Directory { get; } = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "reference", "crds"));

    public static bool Found { get; } = _files.All(f => File.Exists(Path.Combine(Directory, f)));

    public static string SkipReason => $"needs the published Envoy Gateway v1.8.1 and Envoy AI Gateway v0.7.0 CRDs in {Directory} (../shared/reference/crds beside the repository)";

    /// <summary>The CRD names, <c>plural.group</c>, of every kind Gateway mode writes.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. GatewayKinds.ForRouter.Select(k => $"{k.Plural}.{k.Group}")];

    /// <summary>Installs them (server-side apply: already installed is fine) and waits until the API server serves them.</summary>
    public static async Task InstallAsync(ApiServerFixture api)
    {
        var apply = await api.KubectlAsync(["apply", "--server-side", .. _files.SelectMany(f => new[] { "-f", Path.Combine(Directory, f) })]);
        Assert.True(apply.ExitCode == 0, "installing the gateway CRDs failed: " + apply.StdErr);
        var wait = await api.KubectlAsync(["wait", "--for=condition=Established", "--timeout=60s", .. Names.Select(n => "crd/" + n)]);
        Assert.True(wait.ExitCode == 0, "the gateway CRDs did not become Established: " + wait.StdErr);
        await Eventually.GetAsync(async () => await MissingAsync(api), missing => missing.Count == 0, TimeSpan.FromSeconds(30), "the gateway kinds served");
    }

    /// <summary>Deletes them (with every object of theirs) and waits until discovery no longer serves them.</summary>
    public static async Task UninstallAsync(ApiServerFixture api)
    {
        var delete = await api.KubectlAsync(["delete", "crd", "--ignore-not-found", "--wait=true", .. Names]);
        Assert.True(delete.ExitCode == 0, "deleting the gateway CRDs failed: " + delete.StdErr);
        await Eventually.GetAsync(async () => await MissingAsync(api), missing => missing.Count == GatewayKinds.ForRouter.Count, TimeSpan.FromSeconds(60), "the gateway kinds gone");
    }

    private static async Task<IReadOnlyList<ResourceKind>> MissingAsync(ApiServerFixture api)
    {
        var missing = new List<ResourceKind>();
        foreach (var kind in GatewayKinds.ForRouter)
        {
            try
            {
                var list = await api.Client.CustomObjects.GetAPIResourcesAsync(kind.Group, kind.Version);
                if (!list.Resources.Any(r => r.Name == kind.Plural)) missing.Add(kind);
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                missing.Add(kind);
            }
        }
        return missing;
    }

    /// <summary>One generated object, or null when it does not exist.</summary>
    public static async Task<JsonObject?> GetAsync(ApiServerFixture api, ResourceKind kind, string ns, string name)
    {
        try { return await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(kind.Group, kind.Version, ns, kind.Plural, name); }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>The names of the objects of <paramref name="kind"/> in <paramref name="ns"/>.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(ApiServerFixture api, ResourceKind kind, string ns)
    {
        var list = await api.Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(kind.Group, kind.Version, ns, kind.Plural);
        return [.. list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal)];
    }
}

/// <summary>A test against the real API server with the gateway CRDs, skipped with a message where either is missing.</summary>
public sealed class GatewayApiServerFactAttribute : FactAttribute
{
    public GatewayApiServerFactAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
        else if (!GatewayCrds.Found) Skip = GatewayCrds.SkipReason;
    }
}

/// <summary>A data-driven test against the real API server with the gateway CRDs, skipped with a message where either is missing.</summary>
public sealed class GatewayApiServerTheoryAttribute : TheoryAttribute
{
    public GatewayApiServerTheoryAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
        else if (!GatewayCrds.Found) Skip = GatewayCrds.SkipReason;
    }
}

/// <summary>A chart test against the real API server with the gateway CRDs, skipped with a message where any of them is missing.</summary>
public sealed class ChartGatewayApiServerFactAttribute : FactAttribute
{
    public ChartGatewayApiServerFactAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
        else if (!ChartRenderer.Found) Skip = ChartRenderer.SkipReason;
        else if (!GatewayCrds.Found) Skip = GatewayCrds.SkipReason;
    }
}
