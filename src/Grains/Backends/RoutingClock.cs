namespace LLMKube.Grains.Backends;

/// <summary>
/// A thin view of the <see cref="TimeProvider"/> that times breaker decisions (quarantine, backoff, probe
/// leases). It is a type of its own, not the <see cref="TimeProvider"/> service, because a co-hosted silo
/// resolves that service for Orleans' own timers: a test that moves this clock must not stall the runtime.
/// </summary>
public sealed class RoutingClock(TimeProvider time)
{
    public static RoutingClock System { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();
}
