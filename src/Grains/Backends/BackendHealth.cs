namespace LLMKube.Grains.Backends;

/// <summary>
/// The shared health of one backend, owned by its Backend grain and copied into every gateway's
/// routing snapshot. Immutable; <see cref="Transitions"/> increases on every change so that a
/// reader can tell a newer state from an older one.
/// </summary>
/// <param name="Consecutive5xx">Upstream 5xx answers in a row while closed, counted across every gateway.</param>
/// <param name="LastFailure">When the backend last failed (an attempt or a health check); kept after it recovers.</param>
/// <param name="CheckFailures">Failed health checks in a row while closed.</param>
/// <param name="CheckPasses">Passed health checks in a row while open.</param>
/// <param name="Cause">Why the circuit is open; <see cref="OpenCause.None"/> while closed.</param>
/// <param name="Blocked">
/// Why the backend is out of rotation whatever its circuit says (its InferenceService is not serving, ...), or null.
/// A blocked backend is never tried, not even by panic mode; it comes back when every lifecycle block is lifted.
/// </param>
[GenerateSerializer, Immutable]
public sealed record BackendHealth(
    [property: Id(0)] CircuitState State,
    [property: Id(1)] DateTimeOffset OpenUntil,
    [property: Id(2)] int BackoffStep,
    [property: Id(3)] long Transitions,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset ProbeLeaseUntil,
    [property: Id(6)] string? ProbeHolder,
    [property: Id(7)] int Consecutive5xx = 0,
    [property: Id(8)] DateTimeOffset LastFailure = default,
    [property: Id(9)] int CheckFailures = 0,
    [property: Id(10)] int CheckPasses = 0,
    [property: Id(11)] OpenCause Cause = OpenCause.None,
    [property: Id(12)] string? Blocked = null)
{
    /// <summary>A backend nobody has seen fail. A new instance each time: grain storage serializers may
    /// populate an existing default object in place, so a shared one could be corrupted.</summary>
    public static BackendHealth Healthy => new(CircuitState.Closed, default, 0, 0, null, default, null);

    /// <summary>Closed: every request may use it.</summary>
    public bool IsClosed => State == CircuitState.Closed;

    /// <summary>Open and the quarantine has ended: one probe may go through.</summary>
    public bool IsHalfOpen(DateTimeOffset now) => State == CircuitState.Open && now >= OpenUntil;
}
