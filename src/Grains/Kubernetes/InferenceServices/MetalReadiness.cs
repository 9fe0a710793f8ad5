using System.Globalization;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// A metal service's readiness, decided from the EndpointSlices its Mac agent writes. The agent refreshes a heartbeat
/// annotation every 30 seconds; a service whose freshest heartbeat is older than the timeout (or missing or
/// unreadable) has no ready replica, because its agent may be gone. <see cref="StaleAt"/> is when a fresh heartbeat
/// expires: nothing is written then, so the reconciler sets a timer for it.
/// </summary>
public sealed record MetalReadiness(int Ready, string? SchedulingStatus, string? SchedulingMessage, DateTimeOffset? StaleAt)
{
    public const string WaitingForAgent = "WaitingForMetalAgent";
    public const string HeartbeatStale = "AgentHeartbeatStale";

    public static MetalReadiness Evaluate(IReadOnlyList<AgentSlice> slices, DateTimeOffset now, TimeSpan timeout)
    {
        if (slices.Count == 0)
            return new(0, WaitingForAgent, "no EndpointSlice from the Mac agent yet: is an agent running for this Model?", null);
        DateTimeOffset? freshest = null;
        foreach (var slice in slices)
        {
            if (DateTimeOffset.TryParse(slice.Heartbeat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var beat)
                && (freshest is null || beat > freshest))
                freshest = beat;
        }
        if (freshest is not { } last)
            return new(0, HeartbeatStale, $"the agent's EndpointSlice carries no readable {AgentSlice.HeartbeatAnnotation} annotation", null);
        var staleAt = last + timeout;
        if (now >= staleAt)
            return new(0, HeartbeatStale, $"the agent's last heartbeat was at {RouterStatusFormat(last)}, more than {timeout.TotalSeconds:0} s ago", null);
        return new(slices.Sum(s => s.ReadyEndpoints), null, null, staleAt);
    }

    private static string RouterStatusFormat(DateTimeOffset t) => Routers.RouterStatusBuilder.Rfc3339(t);
}
