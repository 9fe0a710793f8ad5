using LLMKube.Grains.Kubernetes.InferenceServices;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

public sealed class MetalReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static AgentSlice Slice(string? heartbeat, int ready = 1, string name = "qwen") => new(name, heartbeat, ready);

    [Fact]
    public void NoSlice_IsWaitingForTheAgent()
    {
        var readiness = MetalReadiness.Evaluate([], Now, Timeout);

        Assert.Equal((0, MetalReadiness.WaitingForAgent), (readiness.Ready, readiness.SchedulingStatus));
        Assert.Null(readiness.StaleAt);
    }

    [Fact]
    public void AFreshHeartbeat_CountsReadyEndpoints_AndSaysWhenItGoesStale()
    {
        var readiness = MetalReadiness.Evaluate([Slice("2026-12-02T11:59:00Z", ready: 1), Slice("2026-12-02T11:58:00Z", ready: 1, name: "b")], Now, Timeout);

        Assert.Equal(2, readiness.Ready);
        Assert.Null(readiness.SchedulingStatus);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 12, 2, 0, TimeSpan.Zero), readiness.StaleAt);
    }

    [Theory]
    [InlineData("2026-12-02T11:57:00Z")] // exactly the timeout ago
    [InlineData("2026-12-02T11:50:00Z")]
    [InlineData("yesterday")]
    [InlineData(null)]
    public void AStaleMissingOrUnreadableHeartbeat_MeansNoReadyReplica(string? heartbeat)
    {
        var readiness = MetalReadiness.Evaluate([Slice(heartbeat, ready: 1)], Now, Timeout);

        Assert.Equal((0, MetalReadiness.HeartbeatStale), (readiness.Ready, readiness.SchedulingStatus));
        Assert.Null(readiness.StaleAt);
        Assert.False(string.IsNullOrEmpty(readiness.SchedulingMessage));
    }

    [Fact]
    public void TheFreshestHeartbeatDecides_AcrossSlices()
    {
        var readiness = MetalReadiness.Evaluate([Slice("2026-12-02T11:00:00Z", ready: 0), Slice("2026-12-02T11:59:30Z", ready: 1, name: "b")], Now, Timeout);

        Assert.Equal(1, readiness.Ready);
    }
}
