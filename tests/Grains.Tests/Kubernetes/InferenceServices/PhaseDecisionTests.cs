using LLMKube.Grains.Kubernetes.InferenceServices;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

public sealed class PhaseDecisionTests
{
    private static readonly MetalReadiness NoAgent = new(0, MetalReadiness.WaitingForAgent, "no slice", null);
    private static readonly MetalReadiness Stale = new(0, MetalReadiness.HeartbeatStale, "old", null);
    private static readonly MetalReadiness Live = new(1, null, null, DateTimeOffset.UnixEpoch);

    public static TheoryData<string, PhaseInputs, string, string, string?> Cases => new()
    {
        { "invalid spec", Inputs(invalid: ["spec.replicas: too many"]), "Failed", "SpecInvalid", null },
        { "model missing", Inputs(found: false), "Failed", "ModelNotFound", null },
        { "cannot build", Inputs(failure: new PlanFailure("ModelFileRequired", "m")), "Failed", "ModelFileRequired", null },
        { "model downloading", Inputs(modelPhase: "Pending"), "Pending", "ModelNotReady", null },
        { "model without status", Inputs(modelPhase: null), "Pending", "ModelNotReady", null },
        { "suspended", Inputs(suspended: true, desired: 0), "Suspended", "Suspended", null },
        { "all ready", Inputs(desired: 2, ready: 2), "Ready", "InferenceReady", null },
        { "scaling down", Inputs(desired: 1, ready: 2), "Ready", "InferenceReady", null },
        { "some ready", Inputs(desired: 3, ready: 1), "Progressing", "PartiallyReady", null },
        { "stopped", Inputs(desired: 0), "Stopped", "ScaledToZero", null },
        { "creating", Inputs(desired: 1), "Creating", "NoReadyReplicas", null },
        { "metal, no agent", Inputs(desired: 1, metal: NoAgent), "Creating", "WaitingForMetalAgent", "WaitingForMetalAgent" },
        { "metal, agent gone", Inputs(desired: 1, metal: Stale), "Creating", "AgentHeartbeatStale", "AgentHeartbeatStale" },
        { "metal, live", Inputs(desired: 1, ready: 1, metal: Live), "Ready", "InferenceReady", null },
        { "metal, two wanted, one served", Inputs(desired: 2, ready: 1, metal: Live), "Progressing", "PartiallyReady", null },
    };

    private static PhaseInputs Inputs(string[]? invalid = null, bool found = true, string? modelPhase = "Ready", PlanFailure? failure = null,
        bool suspended = false, int desired = 1, int ready = 0, MetalReadiness? metal = null)
        => new("qwen", invalid ?? [], found, modelPhase, failure, suspended, desired, ready, metal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_FollowsTheOrderOfTheRules(string why, PhaseInputs inputs, string phase, string reason, string? scheduling)
    {
        var decision = PhaseDecision.Decide(inputs);

        Assert.True((phase, reason, scheduling) == (decision.Phase, decision.Reason, decision.SchedulingStatus), $"{why}: {decision}");
    }

    [Theory]
    [InlineData("Ready", true)]
    [InlineData("Progressing", true)]
    [InlineData("Creating", false)]
    [InlineData("Pending", false)]
    [InlineData("Stopped", false)]
    [InlineData(null, false)]
    public void Serves_IsTrueWhileSomeReplicaIsReady(string? phase, bool serves) => Assert.Equal(serves, PhaseDecision.Serves(phase));
}
