namespace LLMKube.Grains.Backends;

/// <summary>
/// Which gateway runs a backend's active health checks, and until when. Exactly one holder at a
/// time: it renews the lease before every check, and any other gateway may take it once it expired.
/// Kept in the Backend grain's memory only: after a re-activation the first gateway to ask gets it.
/// </summary>
public sealed record HealthCheckLease(string? Holder, DateTimeOffset Until)
{
    /// <summary>Nobody holds the lease.</summary>
    public static HealthCheckLease None { get; } = new(null, default);

    /// <summary>
    /// Grants (or renews) the lease to <paramref name="holder"/> when it is free, expired or already
    /// theirs. Returns the lease in force afterwards: the same instance when refused.
    /// </summary>
    public static (bool Granted, HealthCheckLease Lease) TryAcquire(HealthCheckLease current, string holder, DateTimeOffset now, TimeSpan duration)
    {
        if (current.Holder is not null && current.Holder != holder && now < current.Until)
            return (false, current);
        return (true, new HealthCheckLease(holder, now + duration));
    }
}
