using LLMKube.Grains.Backends;

namespace LLMKube.Grains.Tests.Backends;

/// <summary>How active health-check results move the circuit, and who may run them.</summary>
public sealed class HealthCheckDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Q = TimeSpan.FromSeconds(15);
    private static readonly BreakerPolicy P = new(Q, Consecutive5xxThreshold: 3, CheckFailureThreshold: 3, CheckSuccessThreshold: 1);

    private static BackendHealth Check(BackendHealth health, bool passed, DateTimeOffset now, BreakerPolicy? policy = null)
        => CircuitBreaker.ApplyHealthCheck(health, passed, passed ? null : "health check /health returned 500", now, policy ?? P);

    private static BackendHealth FailedChecks(int count, DateTimeOffset now)
    {
        var health = BackendHealth.Healthy;
        for (var i = 0; i < count; i++) health = Check(health, passed: false, now);
        return health;
    }

    [Fact]
    public void FailingChecks_OpenTheCircuitAtTheThreshold()
    {
        var two = FailedChecks(2, T0);
        Assert.True(two.IsClosed);
        Assert.Equal(2, two.CheckFailures);
        var open = Check(two, passed: false, T0);
        Assert.Equal(CircuitState.Open, open.State);
        Assert.Equal(T0 + Q, open.OpenUntil);
        Assert.Equal(OpenCause.HealthCheck, open.Cause);
        Assert.Equal("health check /health returned 500", open.LastError);
        Assert.Equal(T0, open.LastFailure);
    }

    [Fact]
    public void PassingCheck_ResetsTheFailureCount_AndIsSilentOnAHealthyBackend()
    {
        var two = FailedChecks(2, T0);
        var reset = Check(two, passed: true, T0);
        Assert.Equal(0, reset.CheckFailures);
        Assert.True(reset.Transitions > two.Transitions);
        Assert.Same(reset, Check(reset, passed: true, T0));
        Assert.True(Check(Check(reset, false, T0), false, T0).IsClosed);
    }

    [Fact]
    public void PassingCheck_ClosesEarly_DuringTheQuarantine()
    {
        var open = FailedChecks(3, T0);
        var closed = Check(open, passed: true, T0.AddSeconds(5));
        Assert.True(closed.IsClosed);
        Assert.Equal(OpenCause.None, closed.Cause);
        // So does it for a circuit opened by requests.
        var opened = CircuitBreaker.Apply(BackendHealth.Healthy, new AttemptReport(AttemptVerdict.Failure, "refused", null, "g1"), T0, P);
        Assert.True(Check(opened, passed: true, T0.AddSeconds(1)).IsClosed);
    }

    [Fact]
    public void SuccessThreshold_NeedsThatManyPassesInARow()
    {
        var policy = P with { CheckSuccessThreshold = 2 };
        var open = FailedChecks(3, T0);
        var once = Check(open, passed: true, T0.AddSeconds(1), policy);
        Assert.Equal(CircuitState.Open, once.State);
        Assert.Equal(1, once.CheckPasses);
        var broken = Check(once, passed: false, T0.AddSeconds(2), policy);
        Assert.Equal(0, broken.CheckPasses);
        Assert.Equal(open.OpenUntil, broken.OpenUntil); // a failure inside the quarantine does not extend it
        var again = Check(Check(broken, true, T0.AddSeconds(3), policy), true, T0.AddSeconds(4), policy);
        Assert.True(again.IsClosed);
    }

    [Fact]
    public void FailingCheck_AfterTheQuarantine_ReopensWithBackoff_BeforeAnyRequestProbes()
    {
        var open = FailedChecks(3, T0);
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", open.OpenUntil, TimeSpan.FromSeconds(10)).Health;
        var reopened = Check(leased, passed: false, open.OpenUntil);
        Assert.Equal(1, reopened.BackoffStep);
        Assert.Equal(open.OpenUntil + TimeSpan.FromSeconds(30), reopened.OpenUntil);
        Assert.Null(reopened.ProbeHolder);
        Assert.Equal(CircuitChange.Reopened, CircuitBreaker.Describe(leased, reopened));
    }

    [Fact]
    public void PassingCheck_DoesNotOverruleRetryAfter()
    {
        var limited = CircuitBreaker.Apply(BackendHealth.Healthy,
            new AttemptReport(AttemptVerdict.RateLimited, "429", TimeSpan.FromSeconds(60), "g1"), T0, P);
        Assert.Same(limited, Check(limited, passed: true, T0.AddSeconds(10)));
        Assert.True(Check(limited, passed: true, T0.AddSeconds(60)).IsClosed);
    }

    [Fact]
    public void Lease_HasOneHolder_RenewedByIt_TakenOverOnceExpired()
    {
        var duration = TimeSpan.FromSeconds(22);
        var (granted, lease) = HealthCheckLease.TryAcquire(HealthCheckLease.None, "a", T0, duration);
        Assert.True(granted);

        var (otherGranted, unchanged) = HealthCheckLease.TryAcquire(lease, "b", T0.AddSeconds(10), duration);
        Assert.False(otherGranted);
        Assert.Same(lease, unchanged);

        var (renewed, longer) = HealthCheckLease.TryAcquire(lease, "a", T0.AddSeconds(10), duration);
        Assert.True(renewed);
        Assert.Equal(T0.AddSeconds(32), longer.Until);
        Assert.False(HealthCheckLease.TryAcquire(longer, "b", T0.AddSeconds(31), duration).Granted);

        var (takeover, taken) = HealthCheckLease.TryAcquire(longer, "b", T0.AddSeconds(32), duration);
        Assert.True(takeover);
        Assert.Equal("b", taken.Holder);
    }
}
