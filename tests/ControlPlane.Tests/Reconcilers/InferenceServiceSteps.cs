using k8s;
using System.Text.Json;
using k8s.Models;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>kubectl steps the InferenceService tests share: Models (with the status their reconciler would write), services, reads.</summary>
internal sealed class InferenceServiceSteps(ApiServerFixture api, string ns)
{
    // Loopback, never the internet: the Model reconciler reads the header of an http source (refused here, which is not fatal).
    public const string GgufUrl = "http://127.0.0.1:9/models/qwen2.5-0.5b-q4_k_m.gguf";

    public string Namespace => ns;

    public async Task ApplyAsync(string yaml)
    {
        var result = await api.KubectlWithInputAsync(yaml, "apply", "-f", "-");
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    public async Task KubectlAsync(params string[] args)
    {
        var result = await api.KubectlAsync([.. args, "-n", ns]);
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    /// <summary>A Model, as its reconciler (running in the test silo) resolves it: an http source is Ready at once.</summary>
    public async Task ModelAsync(string name = "qwen", string source = GgufUrl, string? accelerator = null)
    {
        var hardware = accelerator is null ? "" : $"\n  hardware: {{ accelerator: {accelerator} }}";
        await ApplyAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: Model
            metadata: { name: {{name}}, namespace: {{ns}} }
            spec:
              source: "{{source}}"{{hardware}}
            """);
        await ModelPhaseAsync(name, "Ready");
    }

    /// <summary>A Model on a claim that is not bound yet: its reconciler keeps it Pending until <see cref="BindClaimAsync"/>.</summary>
    public async Task PendingModelAsync(string name = "qwen")
    {
        await ApplyAsync($$"""
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: { name: {{name}}-weights, namespace: {{ns}} }
            spec:
              accessModes: [ReadOnlyMany]
              resources: { requests: { storage: 1Gi } }
            """);
        await ApplyAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: Model
            metadata: { name: {{name}}, namespace: {{ns}} }
            spec:
              source: "pvc://{{name}}-weights/model.gguf"
            """);
        await ModelPhaseAsync(name, "Pending");
    }

    /// <summary>What a volume controller would write (none runs here): the claim is bound.</summary>
    public Task BindClaimAsync(string name = "qwen")
        => KubectlAsync("patch", "pvc", name + "-weights", "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Bound"}}""");

    /// <summary>Waits for the Model's reconciler to report <paramref name="phase"/>.</summary>
    public Task ModelPhaseAsync(string name, string phase)
        => Eventually.GetAsync(async () =>
        {
            var model = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "models", name);
            return model.TryGetProperty("status", out var s) && s.TryGetProperty("phase", out var p) ? p.GetString() : null;
        }, p => p == phase, what: $"Model {name} {phase}");

    public Task ServiceAsync(string spec, string name = "qwen") => ApplyAsync($$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: {{name}}, namespace: {{ns}} }
        spec:
          modelRef: qwen
        {{spec}}
        """);

    /// <summary>What the Deployment controller would write once the pods are ready (no kubelet here).</summary>
    public Task DeploymentReadyAsync(string name, int replicas)
        => KubectlAsync("patch", "deployment", name, "--subresource=status", "--type=merge",
            "-p", $$$"""{"status":{"replicas":{{{replicas}}},"readyReplicas":{{{replicas}}},"availableReplicas":{{{replicas}}}}}""");

    public async Task<V1Deployment?> DeploymentAsync(string name = "qwen")
    {
        try { return await api.Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns); }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
    }

    public async Task<bool> AutoscalerExistsAsync(string name = "qwen")
    {
        try { await api.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, ns); return true; }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    public async Task<JsonElement> StatusAsync(string name = "qwen")
    {
        var service = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "inferenceservices", name);
        return service.TryGetProperty("status", out var status) ? status : default;
    }

    public Task<JsonElement> StatusWhereAsync(Func<JsonElement, bool> done, string what, string name = "qwen")
        => Eventually.GetAsync(() => StatusAsync(name), s => s.ValueKind == JsonValueKind.Object && done(s), what: what);

    public static string? Phase(JsonElement status) => status.TryGetProperty("phase", out var p) ? p.GetString() : null;

    public static string? Text(JsonElement status, string field) => status.TryGetProperty(field, out var p) ? p.ToString() : null;
}
