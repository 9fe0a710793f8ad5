using System.Text.Json;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Routers;
using static LLMKube.ControlPlane.Tests.Reconcilers.InferenceServiceSteps;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>
/// A ModelRouter backend on an InferenceService is out of rotation while the service is not serving: the block
/// reaches the RoutingTable every gateway follows, and the router's status, and is lifted when the service is Ready.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class RoutingFollowsReadinessTests(ApiServerFixture api)
{
    [ApiServerFact]
    public async Task ABackendIsBlocked_WhileItsServiceIsNotReady_AndUnblockedWhenItIs()
    {
        var ns = await api.CreateNamespaceAsync("ready");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        var steps = new InferenceServiceSteps(api, ns);
        await steps.ModelAsync();
        await steps.ServiceAsync("");
        await steps.ApplyAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: chat, namespace: {{ns}} }
            spec:
              backends:
              - name: local
                inferenceServiceRef: { name: qwen }
              - name: cloud
                external: { provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9" }
              rules:
              - name: all
                route: { backends: [local, cloud] }
            """);
        var table = silo.Grains.GetGrain<IRoutingTableGrain>($"{ns}/chat");

        var blocked = await Eventually.GetAsync(() => table.GetSnapshot(), s => s.Backends["local"].Blocked is not null, what: "local blocked in the routing table");
        Assert.Equal($"InferenceService {ns}/qwen is Creating", blocked.Backends["local"].Blocked);
        Assert.Null(blocked.Backends["cloud"].Blocked);
        var status = await Eventually.GetAsync(() => RouterStatusAsync(ns), s => Backend(s, "local") is { } b && b.GetProperty("state").GetString() == "Unavailable", what: "local Unavailable in status");
        Assert.Equal($"InferenceService {ns}/qwen is Creating", Backend(status, "local")!.Value.GetProperty("reason").GetString());

        await steps.DeploymentReadyAsync("qwen", 1);
        await steps.StatusWhereAsync(s => Phase(s) == "Ready", "service Ready");
        await Eventually.GetAsync(() => table.GetSnapshot(), s => s.Backends["local"].Blocked is null, what: "local back in rotation");
        await Eventually.GetAsync(() => RouterStatusAsync(ns), s => Backend(s, "local") is { } b && b.GetProperty("state").GetString() == "Healthy", what: "local Healthy in status");

        await steps.KubectlAsync("scale", "isvc", "qwen", "--replicas=0");
        await Eventually.GetAsync(() => steps.DeploymentAsync(), d => d.Spec.Replicas == 0, what: "scaled to zero");
        await steps.DeploymentReadyAsync("qwen", 0);
        var stopped = await Eventually.GetAsync(() => table.GetSnapshot(), s => s.Backends["local"].Blocked is not null, what: "local blocked once stopped");
        Assert.Equal($"InferenceService {ns}/qwen is Stopped", stopped.Backends["local"].Blocked);
    }

    private async Task<JsonElement> RouterStatusAsync(string ns)
    {
        var router = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "modelrouters", "chat");
        return router.TryGetProperty("status", out var status) ? status : default;
    }

    private static JsonElement? Backend(JsonElement status, string name)
        => status.ValueKind == JsonValueKind.Object && status.TryGetProperty("backends", out var backends)
            ? backends.EnumerateArray().Where(b => b.GetProperty("name").GetString() == name).Cast<JsonElement?>().FirstOrDefault()
            : null;
}
