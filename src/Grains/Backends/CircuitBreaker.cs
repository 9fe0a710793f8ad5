namespace LLMKube.Grains.Backends;

/// <summary>
/// The breaker's decisions as pure functions of (health, event, now, policy), so the Backend grain and
/// a gateway's local breaker share one definition and tests can drive it with any clock.
/// <list type="bullet">
/// <item>A connect error, reset or broken stream opens a closed circuit at once; upstream 5xx open it
/// after <see cref="BreakerPolicy.Consecutive5xxThreshold"/> in a row; any success resets the count.</item>
/// <item>Failed health checks open it after <see cref="BreakerPolicy.CheckFailureThreshold"/> in a row;
/// <see cref="BreakerPolicy.CheckSuccessThreshold"/> passed checks close it, even during its quarantine.</item>
/// <item>Quarantine lasts <see cref="BreakerPolicy.Quarantine"/>; each failure while half-open doubles it,
/// up to <see cref="MaxBackoff"/> (or the quarantine itself when that is longer).</item>
/// </list>
/// Every function returns the same instance when nothing changes, so callers can tell a transition.
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

    /// <summary>Applies one attempt report.</summary>
    public static BackendHealth Apply(BackendHealth health, AttemptReport report, DateTimeOffset now, BreakerPolicy policy)
    {
        switch (report.Verdict)
        {
            case AttemptVerdict.Success:
                if (health.IsClosed && health.ProbeHolder is null && health.Consecutive5xx == 0) return health;
                // A success from a request that started before the quarantine does not lift it early.
                if (health.State == CircuitState.Open && now < health.OpenUntil) return health;
                return Close(health);

            case AttemptVerdict.ServerError when health.IsClosed && health.Consecutive5xx + 1 < policy.Consecutive5xxThreshold:
                if (policy.Quarantine <= TimeSpan.Zero) return health;
                return health with
                {
                    Consecutive5xx = health.Consecutive5xx + 1,
                    LastError = report.Error,
                    LastFailure = now,
                    Transitions = health.Transitions + 1,
                };

            case AttemptVerdict.Failure or AttemptVerdict.ServerError:
                return Fail(health, now, policy.Quarantine, report.Error,
                    report.Verdict == AttemptVerdict.ServerError ? OpenCause.ServerErrors : OpenCause.Failure);

            case AttemptVerdict.RateLimited when report.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero:
                var until = now + (retryAfter < MaxBackoff ? retryAfter : MaxBackoff); // a hostile Retry-After cannot park a backend for years
                if (health.State == CircuitState.Open && health.OpenUntil >= until) return health;
                return Open(health, until, health.BackoffStep, now, report.Error, OpenCause.RateLimited);

            default:
                // Inconclusive, or a 429 without Retry-After: only a probe lease held by the reporter is released.
                if (health.ProbeHolder is null || health.ProbeHolder != report.Reporter) return health;
                return health with { ProbeHolder = null, ProbeLeaseUntil = default, Transitions = health.Transitions + 1 };
        }
    }

    /// <summary>Applies the result of one active health check.</summary>
    public static BackendHealth ApplyHealthCheck(BackendHealth health, bool passed, string? error, DateTimeOffset now, BreakerPolicy policy)
    {
        if (passed)
        {
            if (health.IsClosed)
                return health.CheckFailures == 0 ? health : health with { CheckFailures = 0, Transitions = health.Transitions + 1 };
            // The upstream said when to come back; a health endpoint that answers does not overrule it.
            if (health.Cause == OpenCause.RateLimited && now < health.OpenUntil) return health;
            var passes = health.CheckPasses + 1;
            return passes >= policy.CheckSuccessThreshold
                ? Close(health)
                : health with { CheckPasses = passes, Transitions = health.Transitions + 1 };
        }

        if (health.IsClosed)
        {
            if (policy.Quarantine <= TimeSpan.Zero) return health;
            var failures = health.CheckFailures + 1;
            return failures >= policy.CheckFailureThreshold
                ? Fail(health, now, policy.Quarantine, error, OpenCause.HealthCheck)
                : health with { CheckFailures = failures, LastError = error, LastFailure = now, Transitions = health.Transitions + 1 };
        }
        // Half-open: the quarantine is over but the backend still fails, so no user request should probe it.
        if (health.IsHalfOpen(now)) return Fail(health, now, policy.Quarantine, error, OpenCause.HealthCheck);
        return health.CheckPasses == 0 ? health : health with { CheckPasses = 0, Transitions = health.Transitions + 1 };
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

    /// <summary>Classifies the change from <paramref name="from"/> to <paramref name="to"/>, for logging.</summary>
    public static CircuitChange Describe(BackendHealth from, BackendHealth to)
    {
        if (ReferenceEquals(from, to)) return CircuitChange.None;
        if (from.State != to.State) return to.IsClosed ? CircuitChange.Closed : CircuitChange.Opened;
        if (to.State == CircuitState.Open && to.OpenUntil != from.OpenUntil)
            return to.BackoffStep > from.BackoffStep ? CircuitChange.Reopened : CircuitChange.Extended;
        if (to.ProbeHolder is not null && to.ProbeHolder != from.ProbeHolder) return CircuitChange.ProbeGranted;
        if (to.ProbeHolder is null && from.ProbeHolder is not null) return CircuitChange.ProbeReleased;
        if (to.Consecutive5xx != from.Consecutive5xx || to.CheckFailures != from.CheckFailures || to.CheckPasses != from.CheckPasses)
            return CircuitChange.Counted;
        return CircuitChange.None;
    }

    private static BackendHealth Close(BackendHealth health) => health with
    {
        State = CircuitState.Closed,
        OpenUntil = default,
        BackoffStep = 0,
        Transitions = health.Transitions + 1,
        LastError = null,
        ProbeLeaseUntil = default,
        ProbeHolder = null,
        Consecutive5xx = 0,
        CheckFailures = 0,
        CheckPasses = 0,
        Cause = OpenCause.None,
    };

    // Opens a closed circuit for the quarantine, or re-opens a half-open one a backoff step further;
    // a failure while the quarantine still runs is a late report and changes nothing.
    private static BackendHealth Fail(BackendHealth health, DateTimeOffset now, TimeSpan quarantine, string? error, OpenCause cause)
    {
        if (quarantine <= TimeSpan.Zero) return health;
        int step;
        if (health.IsClosed) step = 0;
        else if (health.IsHalfOpen(now)) step = health.BackoffStep + 1;
        else return health;
        return Open(health, now + Backoff(quarantine, step), step, now, error, cause);
    }

    // An open circuit starts a new window: no probe lease, counts that only mean something while closed reset.
    private static BackendHealth Open(BackendHealth health, DateTimeOffset until, int step, DateTimeOffset now, string? error, OpenCause cause) => health with
    {
        State = CircuitState.Open,
        OpenUntil = until,
        BackoffStep = step,
        Transitions = health.Transitions + 1,
        LastError = error,
        ProbeLeaseUntil = default,
        ProbeHolder = null,
        Consecutive5xx = 0,
        LastFailure = now,
        CheckFailures = 0,
        CheckPasses = 0,
        Cause = cause,
    };
}
