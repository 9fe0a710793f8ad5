using k8s;
using System.Text.Json;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;
using static LLMKube.ControlPlane.Tests.Reconcilers.InferenceServiceSteps;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>kubectl-applied InferenceServices reconciled by a real silo against the real API server.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class InferenceServiceReconcileTests(ApiServerFixture api)
{
    private async Task<(InferenceServiceSteps Steps, ControlPlaneSilo Silo)> StartAsync()
    {
        var ns = await api.CreateNamespaceAsync("isvc");
        return (new InferenceServiceSteps(api, ns), await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]));
    }

    [ApiServerFact]
    public async Task AServiceOnAReadyModel_GetsItsDeploymentAndService_OwnedByOneManager_AndIsReadyWhenItsPodsAre()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("  contextSize: 4096");

        var deployment = await Eventually.GetAsync(() => steps.DeploymentAsync(), _ => true, what: "the Deployment");
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal(("InferenceService", "qwen", true, false), (owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal([(KubeNames.FieldManager, "Apply")], deployment.Metadata.ManagedFields.Select(m => (m.Manager, m.Operation)));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("ghcr.io/ggml-org/llama.cpp:server", container.Image);
        Assert.Contains("4096", container.Args);
        Assert.Equal("model-downloader", Assert.Single(deployment.Spec.Template.Spec.InitContainers).Name);
        var service = await api.Client.CoreV1.ReadNamespacedServiceAsync("qwen", steps.Namespace);
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
        Assert.Equal([(KubeNames.FieldManager, "Apply")], service.Metadata.ManagedFields.Select(m => (m.Manager, m.Operation)));
        Assert.Equal("InferenceService", Assert.Single(service.Metadata.OwnerReferences).Kind);

        var creating = await steps.StatusWhereAsync(s => Phase(s) == "Creating", "phase Creating");
        Assert.Equal(1, creating.GetProperty("observedGeneration").GetInt64());
        Assert.Equal("1", Text(creating, "replicas"));
        Assert.True(creating.GetProperty("modelReady").GetBoolean());

        await steps.DeploymentReadyAsync("qwen", 1);
        var ready = await steps.StatusWhereAsync(s => Phase(s) == "Ready", "phase Ready");
        Assert.Equal($"http://qwen.{steps.Namespace}.svc.cluster.local:8080/v1/chat/completions", Text(ready, "endpoint"));
        Assert.Equal("1", Text(ready, "readyReplicas"));
        Assert.Equal("True", Condition(ready, "Available"));
        var events = await Eventually.GetAsync(() => api.Client.EventsV1.ListNamespacedEventAsync(steps.Namespace),
            e => e.Items.Any(i => i.Reason == "Ready" && i.Regarding.Name == "qwen"), what: "the Ready event");
        Assert.Equal("Normal", events.Items.First(i => i.Reason == "Ready").Type);
    }

    [ApiServerFact]
    public async Task WithoutItsModel_TheServiceFails_UntilTheModelIsReady_ThenItDeploys()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ServiceAsync("");

        var failed = await steps.StatusWhereAsync(s => Phase(s) == "Failed", "phase Failed");
        Assert.Equal("True", Condition(failed, "Degraded"));
        Assert.Contains("Model qwen not found", failed.ToString());
        await Eventually.GetAsync(() => api.Client.EventsV1.ListNamespacedEventAsync(steps.Namespace),
            e => e.Items.Any(i => i.Reason == "ModelNotFound" && i.Type == "Warning"), what: "the Warning event");

        await steps.PendingModelAsync();
        await steps.StatusWhereAsync(s => Phase(s) == "Pending" && !s.GetProperty("modelReady").GetBoolean(), "phase Pending");
        Assert.Null(await steps.DeploymentAsync());

        await steps.BindClaimAsync();
        await steps.ModelPhaseAsync("qwen", "Ready");
        await Eventually.GetAsync(() => steps.DeploymentAsync(), _ => true, what: "the Deployment once the Model is Ready");
        await steps.StatusWhereAsync(s => Phase(s) == "Creating", "phase Creating");
    }

    [ApiServerFact]
    public async Task OthersTemplateAnnotations_SurviveASpecChange_AndARolloutRestartDoesNotFlap()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("  contextSize: 2048");
        await Eventually.GetAsync(() => steps.DeploymentAsync(), _ => true, what: "the Deployment");

        await steps.KubectlAsync("rollout", "restart", "deployment/qwen");
        await steps.KubectlAsync("patch", "deployment", "qwen", "--type=merge", "-p", """{"spec":{"template":{"metadata":{"annotations":{"sidecar.example.com/injected":"yes"}}}}}""");
        var restarted = await steps.DeploymentAsync();
        await steps.ServiceAsync("  contextSize: 4096");

        var deployment = await Eventually.GetAsync(() => steps.DeploymentAsync(), d => d.Spec.Template.Spec.Containers[0].Args.Contains("4096"), what: "--ctx-size 4096");
        var annotations = deployment.Spec.Template.Metadata.Annotations;
        Assert.True(annotations.ContainsKey("kubectl.kubernetes.io/restartedAt"), "kubectl rollout restart's annotation survived");
        Assert.Equal("yes", annotations["sidecar.example.com/injected"]);
        // One more generation for our change, and none after: nothing fights over the template.
        Assert.Equal(restarted!.Metadata.Generation + 1, deployment.Metadata.Generation);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(deployment.Metadata.Generation, (await steps.DeploymentAsync())!.Metadata.Generation);
    }

    [ApiServerFact]
    public async Task Autoscaling_AddsAnAutoscalerThatOwnsTheReplicas_AndRemovingItDeletesIt()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("  autoscaling: { minReplicas: 1, maxReplicas: 3 }");

        await Eventually.GetAsync(() => steps.AutoscalerExistsAsync(), e => e, what: "the autoscaler");
        var hpa = await api.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("qwen", steps.Namespace);
        Assert.Equal(("Deployment", "qwen", 3), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name, hpa.Spec.MaxReplicas));
        Assert.Equal("llamacpp:requests_processing", hpa.Spec.Metrics.Single().Pods.Metric.Name);
        var deployment = await steps.DeploymentAsync();
        Assert.DoesNotContain(deployment!.Metadata.ManagedFields, m => m.FieldsV1.ToString()!.Contains("f:replicas"));

        await steps.ServiceAsync("  replicas: 2");
        await Eventually.GetAsync(() => steps.AutoscalerExistsAsync(), e => !e, what: "the autoscaler deleted");
        await Eventually.GetAsync(() => steps.DeploymentAsync(), d => d.Spec.Replicas == 2, what: "2 replicas");
    }

    [ApiServerFact]
    public async Task AModelMovingToAGpu_SwitchesTheDeploymentToRecreate_WithAGpuLimitAndToleration()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("");
        var cpu = await Eventually.GetAsync(() => steps.DeploymentAsync(), _ => true, what: "the Deployment");
        Assert.Equal("RollingUpdate", cpu.Spec.Strategy.Type);

        await steps.ModelAsync(accelerator: "cuda");

        var gpu = await Eventually.GetAsync(() => steps.DeploymentAsync(), d => d.Spec.Strategy.Type == "Recreate", what: "strategy Recreate");
        Assert.Null(gpu.Spec.Strategy.RollingUpdate);
        var container = gpu.Spec.Template.Spec.Containers.Single();
        Assert.Equal("ghcr.io/ggml-org/llama.cpp:server-cuda", container.Image);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("nvidia.com/gpu", gpu.Spec.Template.Spec.Tolerations.Single().Key);
    }

    [ApiServerFact]
    public async Task KubectlScale_ChangesTheReplicas_ThroughTheScaleSubresource()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("");
        await Eventually.GetAsync(() => steps.DeploymentAsync(), _ => true, what: "the Deployment");

        await steps.KubectlAsync("scale", "isvc", "qwen", "--replicas=3");

        await Eventually.GetAsync(() => steps.DeploymentAsync(), d => d.Spec.Replicas == 3, what: "3 replicas");
        await steps.StatusWhereAsync(s => Text(s, "replicas") == "3" && Text(s, "desiredReplicas") == "3", "status.replicas 3");
        await steps.KubectlAsync("scale", "isvc", "qwen", "--replicas=0");
        await steps.StatusWhereAsync(s => Phase(s) == "Stopped", "phase Stopped");
    }

    [ApiServerFact]
    public async Task DeletingTheService_LeavesOwnedObjectsWithOwnerReferences_ForTheGarbageCollector()
    {
        var (steps, silo) = await StartAsync();
        await using var _ = silo;
        await steps.ModelAsync();
        await steps.ServiceAsync("  autoscaling: { maxReplicas: 2 }");
        await Eventually.GetAsync(() => steps.AutoscalerExistsAsync(), e => e, what: "the autoscaler");
        var isvc = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, steps.Namespace, "inferenceservices", "qwen");
        var uid = isvc.GetProperty("metadata").GetProperty("uid").GetString();

        await steps.KubectlAsync("delete", "isvc", "qwen");

        // This API server runs no garbage collector: the owner references are what a real cluster's GC follows.
        var owned = new[]
        {
            (await steps.DeploymentAsync())!.Metadata,
            (await api.Client.CoreV1.ReadNamespacedServiceAsync("qwen", steps.Namespace)).Metadata,
            (await api.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("qwen", steps.Namespace)).Metadata,
        };
        Assert.All(owned, meta => Assert.Equal((uid, false, true), (meta.OwnerReferences.Single().Uid, meta.OwnerReferences.Single().BlockOwnerDeletion, meta.OwnerReferences.Single().Controller)));
    }

    internal static string? Condition(JsonElement status, string type)
        => status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == type).GetProperty("status").GetString();
}
