using System.Text.Json;
using k8s;
using k8s.Models;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Routers;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>kubectl-applied ModelRouters reconciled by real silos against the real API server.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ModelRouterReconcileTests(ApiServerFixture api)
{
    private static string RouterYaml(string ns, int replicas = 2) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata:
          name: chat
          namespace: {{ns}}
        spec:
          backends:
          - name: primary
            external: { provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9" }
          - name: secondary
            external: { provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:10" }
          rules:
          - name: all
            route: { backends: [primary, secondary] }
          proxy:
            replicas: {{replicas}}
        """;

    [ApiServerFact]
    public async Task AnAppliedRouter_GetsItsGatewayFleet_OwnedAndAppliedByOneManager_AndAStatus()
    {
        var ns = await api.CreateNamespaceAsync("mr");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await ApplyAsync(RouterYaml(ns));

        var deployment = await Eventually.GetAsync(() => ReadDeploymentAsync(ns), _ => true, what: "the gateway Deployment");
        Assert.Equal(2, deployment.Spec.Replicas);
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal(("ModelRouter", "chat", true, false), (owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
        var managers = deployment.Metadata.ManagedFields.Select(m => (m.Manager, m.Operation)).ToList();
        Assert.Equal([(KubeNames.FieldManager, "Apply")], managers);
        // The Service and the PodDisruptionBudget are applied after the Deployment.
        var service = await Eventually.GetAsync(() => api.Client.CoreV1.ReadNamespacedServiceAsync("chat-router-proxy", ns), _ => true, what: "the gateway Service");
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
        await Eventually.GetAsync(() => api.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("chat-router-proxy", ns), _ => true, what: "the gateway PDB");
        // The gateway pods' cluster token, copied into the router's namespace (pods read only their namespace's Secrets).
        var token = await api.Client.CoreV1.ReadNamespacedSecretAsync("chat-router-proxy-token", ns);
        Assert.Equal("cluster-token-of-the-test", System.Text.Encoding.UTF8.GetString(token.Data["token"]));
        Assert.Equal("ModelRouter", Assert.Single(token.Metadata.OwnerReferences).Kind);

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("phase", out _), what: "router status");
        Assert.Equal("Provisioning", status.GetProperty("phase").GetString());
        Assert.Equal(1, status.GetProperty("observedGeneration").GetInt64());
        Assert.Equal($"http://chat-router-proxy.{ns}.svc.cluster.local:8080/v1/chat/completions", status.GetProperty("endpoint").GetString());
        Assert.Equal(["primary", "secondary"], status.GetProperty("backends").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        Assert.Equal("True", Condition(status, "Validated"));

        // The Deployment becomes ready (no kubelet here: the test writes what the Deployment controller would).
        var ready = await api.KubectlAsync("patch", "deployment", "chat-router-proxy", "-n", ns, "--subresource=status", "--type=merge",
            "-p", """{"status":{"replicas":2,"readyReplicas":2,"availableReplicas":2}}""");
        Assert.True(ready.ExitCode == 0, ready.StdErr);
        status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.GetProperty("phase").GetString() == "Ready", what: "phase Ready");
        Assert.Equal("True", Condition(status, "Available"));
    }

    [ApiServerFact]
    public async Task OthersAnnotations_SurviveASpecChange_AndTheSpecChangeUpdatesTheDeployment()
    {
        var ns = await api.CreateNamespaceAsync("mr");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await ApplyAsync(RouterYaml(ns));
        await Eventually.GetAsync(() => ReadDeploymentAsync(ns), _ => true, what: "the gateway Deployment");

        var restart = await api.KubectlAsync("rollout", "restart", "deployment/chat-router-proxy", "-n", ns);
        Assert.True(restart.ExitCode == 0, restart.StdErr);
        await ApplyAsync(RouterYaml(ns, replicas: 3));

        var deployment = await Eventually.GetAsync(() => ReadDeploymentAsync(ns), d => d.Spec.Replicas == 3, what: "3 replicas");
        Assert.True(deployment.Spec.Template.Metadata.Annotations?.ContainsKey("kubectl.kubernetes.io/restartedAt"), "kubectl rollout restart's annotation survived the reconcile");
    }

    [ApiServerFact]
    public async Task AQuarantineAGatewayReports_ShowsInStatus_WithinASecond()
    {
        var ns = await api.CreateNamespaceAsync("mr");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await ApplyAsync(RouterYaml(ns));
        await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("backends", out _), what: "router status with backends");
        var config = await silo.Grains.GetGrain<IRouterGrain>($"{ns}/chat").GetConfig();
        var primary = config!.Backends.Single(b => b.Name == "primary");

        // What a gateway sends after a connect error to the backend.
        var reported = DateTime.UtcNow;
        await silo.Grains.GetGrain<IBackendGrain>(IBackendGrain.Key(config.Router, "primary"))
            .Report(new AttemptReport(AttemptVerdict.Failure, "connect_error", null, "gateway-test", primary.UpstreamIdentity));

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns),
            s => s.GetProperty("backends").EnumerateArray().Any(b => b.GetProperty("name").GetString() == "primary" && !b.GetProperty("healthy").GetBoolean()),
            TimeSpan.FromSeconds(5), "primary quarantined in status");
        var elapsed = DateTime.UtcNow - reported;
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"status showed the quarantine after {elapsed.TotalMilliseconds:F0} ms");
        var backend = status.GetProperty("backends").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "primary");
        Assert.Equal("Quarantined", backend.GetProperty("state").GetString());
        Assert.Equal("connect_error", backend.GetProperty("lastError").GetString());
        Assert.True(backend.TryGetProperty("quarantinedUntil", out _));
        // The gateway Deployment is not ready here (no kubelet), so the phase stays Provisioning; the condition tells.
        Assert.Equal("Provisioning", status.GetProperty("phase").GetString());
        Assert.Equal("False", Condition(status, "BackendsReady"));
    }

    [ApiServerFact]
    public async Task TwoSilos_WriteEachObjectOnce_WithOneFieldManager()
    {
        var ns = await api.CreateNamespaceAsync("mr2");
        await using var first = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await using var second = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], primary: first);
        await ApplyAsync(RouterYaml(ns));
        await Eventually.GetAsync(() => ReadDeploymentAsync(ns), _ => true, what: "the gateway Deployment");
        await ApplyAsync(RouterYaml(ns, replicas: 4));
        var deployment = await Eventually.GetAsync(() => ReadDeploymentAsync(ns), d => d.Spec.Replicas == 4, what: "4 replicas");

        // Let both silos' watches deliver everything, then check that nothing was written twice or fought over.
        await Task.Delay(TimeSpan.FromSeconds(1));
        deployment = await ReadDeploymentAsync(ns);
        Assert.Equal(2, deployment!.Metadata.Generation);
        Assert.Equal([(KubeNames.FieldManager, "Apply")], deployment.Metadata.ManagedFields.Select(m => (m.Manager, m.Operation)));
        Assert.All(first.ControlPlane.Watchers.Concat(second.ControlPlane.Watchers), w => Assert.True(w.Lists >= 1, "both silos watch"));
    }

    [ApiServerFact]
    public async Task DeletingTheRouter_LeavesOwnedObjectsWithOwnerReferences_ForTheGarbageCollector()
    {
        var ns = await api.CreateNamespaceAsync("mr");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await ApplyAsync(RouterYaml(ns));
        var before = await Eventually.GetAsync(() => ReadDeploymentAsync(ns), _ => true, what: "the gateway Deployment");
        var service = await Eventually.GetAsync(() => api.Client.CoreV1.ReadNamespacedServiceAsync("chat-router-proxy", ns), _ => true, what: "the gateway Service");
        var router = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "modelrouters", "chat");
        var uid = router.GetProperty("metadata").GetProperty("uid").GetString();

        var delete = await api.KubectlAsync("delete", "modelrouter", "chat", "-n", ns);
        Assert.True(delete.ExitCode == 0, delete.StdErr);

        // This API server runs no garbage collector: the owner references are what a real cluster's GC follows.
        foreach (var meta in new[] { before.Metadata, service.Metadata })
        {
            var owner = Assert.Single(meta.OwnerReferences);
            Assert.Equal(uid, owner.Uid);
            Assert.False(owner.BlockOwnerDeletion);
        }
    }

    private async Task ApplyAsync(string yaml)
    {
        var result = await api.KubectlWithInputAsync(yaml, "apply", "-f", "-");
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    private async Task<V1Deployment?> ReadDeploymentAsync(string ns)
    {
        try { return await api.Client.AppsV1.ReadNamespacedDeploymentAsync("chat-router-proxy", ns); }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
    }

    private async Task<JsonElement> ReadStatusAsync(string ns)
    {
        var router = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "modelrouters", "chat");
        return router.TryGetProperty("status", out var status) ? status : default;
    }

    private static string? Condition(JsonElement status, string type)
        => status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == type).GetProperty("status").GetString();
}
