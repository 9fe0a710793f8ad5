using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;
using static LLMKube.Grains.Tests.Kubernetes.InferenceServices.TestObjects;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

public sealed class InferenceServiceStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AReadyService_IsAvailable_WithItsEndpointAndReplicas()
    {
        var result = InferenceServiceStatusBuilder.Build(Service(), new PhaseDecision("Ready", "InferenceReady", "2/2 replicas ready"), 2, 2, true, null, Now);

        var status = result.Status;
        Assert.Equal(("Ready", 2, 2, 2, 2L, true), ((string)status["phase"]!, (int)status["readyReplicas"]!, (int)status["desiredReplicas"]!, (int)status["replicas"]!, (long)status["observedGeneration"]!, (bool)status["modelReady"]!));
        Assert.Equal("http://qwen-chat.team.svc.cluster.local:8080/v1/chat/completions", (string)status["endpoint"]!);
        Assert.Equal(["Available=True", "Progressing=False", "Degraded=False"], result.Conditions.Select(c => $"{c.Type}={c.Status}"));
        Assert.False(status.ContainsKey("schedulingStatus"));
    }

    [Fact]
    public void AFailedService_IsDegraded_WithTheReason()
    {
        var result = InferenceServiceStatusBuilder.Build(Service(), new PhaseDecision("Failed", "ModelNotFound", "Model qwen not found"), 1, 0, false, null, Now);

        var degraded = result.Conditions.Single(c => c.Type == "Degraded");
        Assert.Equal(("True", "ModelNotFound", "Model qwen not found"), (degraded.Status, degraded.Reason, degraded.Message));
        Assert.Equal("False", result.Conditions.Single(c => c.Type == "Available").Status);
    }

    [Fact]
    public void AMetalDecision_WritesItsSchedulingStatus_AndConditionsKeepTheirTransitionTime()
    {
        var decision = new PhaseDecision("Creating", MetalReadiness.HeartbeatStale, "old", MetalReadiness.HeartbeatStale, "old");
        var first = InferenceServiceStatusBuilder.Build(Service(), decision, 1, 0, true, null, Now);
        var second = InferenceServiceStatusBuilder.Build(Service(), decision, 1, 0, true, first.Conditions, Now.AddMinutes(5));

        Assert.Equal((MetalReadiness.HeartbeatStale, "old"), ((string)first.Status["schedulingStatus"]!, (string)first.Status["schedulingMessage"]!));
        Assert.Equal(Now, second.Conditions.Single(c => c.Type == "Progressing").LastTransitionTime);
        Assert.Equal("True", second.Conditions.Single(c => c.Type == "Progressing").Status);
    }
}
