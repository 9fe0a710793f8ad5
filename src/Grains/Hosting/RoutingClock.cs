namespace LLMKube.Grains;

/// <summary>
/// The clock of routing decisions (quarantine, backoff, probe leases), kept apart from the
/// <see cref="TimeProvider"/> Orleans itself uses so tests can move it without disturbing the runtime.
/// </summary>
public sealed class RoutingClock(TimeProvider time)
{
    public static RoutingClock System { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();
}
