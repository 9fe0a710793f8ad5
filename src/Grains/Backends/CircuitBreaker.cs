namespace LLMKube.Grains.Backends;

/// <summary>
/// The breaker's decisions as pure functions of (health, event, now), so the Backend grain and a
/// gateway's local breaker share one definition and tests can drive it with any clock.
/// Quarantine lasts <c>quarantine</c> after the first failure; each failed probe doubles it, up to
/// <see cref="MaxBackoff"/> (or the quarantine itself when that is longer). A success closes it.
/// </summary>
public static class CircuitBreaker
{
    /// <summary>Upper bound of the probe backoff.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>The quarantine length after <paramref name="step"/> failed probes.</summary>
    public static TimeSpan Backoff(TimeSpan quarantine, int step)
    {
        if (quarantine <= TimeSpan.Zero) return TimeSpan.Zero;
        var cap = quarantine > MaxBackoff ? quarantine : MaxBackoff;
        var ticks = quarantine.Ticks;
        for (var i = 0; i < step && ticks < cap.Ticks; i++) ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, cap.Ticks));
    }

    /// <summary>Applies one attempt report. Returns the same instance when nothing changes.</summary>
    public static BackendHealth Apply(BackendHealth health, AttemptReport report, DateTimeOffset now, TimeSpan quarantine)
    {
        switch (report.Verdict)
        {
            case AttemptVerdict.Success:
                if (health.IsClosed && health.ProbeHolder is null) return health;
                // A success from a request that started before the quarantine does not lift it early.
                if (health.State == CircuitState.Open && now < health.OpenUntil) return health;
                return new BackendHealth(CircuitState.Closed, default, 0, health.Transitions + 1, null, default, null);

            case AttemptVerdict.Failure:
                if (quarantine <= TimeSpan.Zero) return health;
                if (health.IsClosed)
                    return new BackendHealth(CircuitState.Open, now + quarantine, 0, health.Transitions + 1, report.Error, default, null);
                if (!health.IsHalfOpen(now)) return health; // a late report while already quarantined
                var step = health.BackoffStep + 1;
                return new BackendHealth(CircuitState.Open, now + Backoff(quarantine, step), step, health.Transitions + 1, report.Error, default, null);

            case AttemptVerdict.RateLimited when report.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero:
                var until = now + (retryAfter < MaxBackoff ? retryAfter : MaxBackoff); // a hostile Retry-After cannot park a backend for years
                if (health.State == CircuitState.Open && health.OpenUntil >= until) return health;
                return new BackendHealth(CircuitState.Open, until, health.BackoffStep, health.Transitions + 1, report.Error, default, null);

            default:
                // Inconclusive, or a 429 without Retry-After: only a probe lease held by the reporter is released.
                if (health.ProbeHolder is null || health.ProbeHolder != report.Reporter) return health;
                return health with { ProbeHolder = null, ProbeLeaseUntil = default, Transitions = health.Transitions + 1 };
        }
    }

    /// <summary>
    /// Grants the half-open probe lease to exactly one holder at a time. A closed circuit needs no
    /// lease; an open one answers when to ask again.
    /// </summary>
    public static ProbeDecision TryAcquireProbe(BackendHealth health, string holder, DateTimeOffset now, TimeSpan lease)
    {
        if (health.IsClosed) return new ProbeDecision(true, now, health);
        if (now < health.OpenUntil) return new ProbeDecision(false, health.OpenUntil, health);
        if (health.ProbeHolder is not null && health.ProbeLeaseUntil > now && health.ProbeHolder != holder)
            return new ProbeDecision(false, health.ProbeLeaseUntil, health);
        var granted = health with { ProbeHolder = holder, ProbeLeaseUntil = now + lease, Transitions = health.Transitions + 1 };
        return new ProbeDecision(true, granted.ProbeLeaseUntil, granted);
    }
}
