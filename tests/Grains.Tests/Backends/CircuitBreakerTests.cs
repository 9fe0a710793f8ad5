using LLMKube.Grains.Backends;

namespace LLMKube.Grains.Tests.Backends;

public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Q = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private static AttemptReport Report(AttemptVerdict verdict, string reporter = "g1", TimeSpan? retryAfter = null)
        => new(verdict, verdict == AttemptVerdict.Failure ? "boom" : null, retryAfter, reporter);

    [Fact]
    public void Failure_OpensForTheQuarantine_LateFailuresDoNotExtendIt()
    {
        var open = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        Assert.Equal(CircuitState.Open, open.State);
        Assert.Equal(T0 + Q, open.OpenUntil);
        Assert.Equal("boom", open.LastError);
        Assert.Same(open, CircuitBreaker.Apply(open, Report(AttemptVerdict.Failure), T0.AddSeconds(5), Q));
        Assert.False(open.IsHalfOpen(T0.AddSeconds(14)));
        Assert.True(open.IsHalfOpen(T0 + Q));
    }

    [Fact]
    public void HalfOpen_GrantsOneLeaseAtATime()
    {
        var open = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        var now = T0 + Q;
        var first = CircuitBreaker.TryAcquireProbe(open, "g1", now, Lease);
        Assert.True(first.Granted);
        for (var i = 2; i <= 50; i++)
        {
            var other = CircuitBreaker.TryAcquireProbe(first.Health, $"g{i}", now, Lease);
            Assert.False(other.Granted);
            Assert.Equal(now + Lease, other.RetryAt);
        }
        // A lease that was never reported on expires, and someone else may probe.
        Assert.True(CircuitBreaker.TryAcquireProbe(first.Health, "g2", now + Lease, Lease).Granted);
    }

    [Fact]
    public void FailedProbes_DoubleTheQuarantine_UpToFiveMinutes_SuccessCloses()
    {
        var health = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        var now = T0;
        var expected = new[] { 30, 60, 120, 240, 300, 300 };
        foreach (var seconds in expected)
        {
            now = health.OpenUntil;
            health = CircuitBreaker.TryAcquireProbe(health, "g1", now, Lease).Health;
            health = CircuitBreaker.Apply(health, Report(AttemptVerdict.Failure), now, Q);
            Assert.Equal(TimeSpan.FromSeconds(seconds), health.OpenUntil - now);
        }
        var closed = CircuitBreaker.Apply(health, Report(AttemptVerdict.Success), health.OpenUntil, Q);
        Assert.True(closed.IsClosed);
        Assert.Equal(0, closed.BackoffStep);
        Assert.Null(closed.ProbeHolder);
    }

    [Fact]
    public void Inconclusive_ReleasesOnlyTheReportersLease()
    {
        var open = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        Assert.Same(leased, CircuitBreaker.Apply(leased, Report(AttemptVerdict.Inconclusive, "g2"), T0 + Q, Q));
        var released = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Inconclusive, "g1"), T0 + Q, Q);
        Assert.Null(released.ProbeHolder);
        Assert.Equal(CircuitState.Open, released.State);
        Assert.True(CircuitBreaker.TryAcquireProbe(released, "g2", T0 + Q, Lease).Granted);
    }

    [Fact]
    public void RateLimited_WithRetryAfter_OpensForThatLong_WithoutIsIgnored()
    {
        var limited = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromSeconds(42)), T0, Q);
        Assert.Equal(T0.AddSeconds(42), limited.OpenUntil);
        var healthy = BackendHealth.Healthy;
        Assert.Same(healthy, CircuitBreaker.Apply(healthy, Report(AttemptVerdict.RateLimited), T0, Q));
    }

    [Fact]
    public void Transitions_IncreaseOnEveryChange()
    {
        var open = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        var closed = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Success), T0 + Q, Q);
        Assert.True(BackendHealth.Healthy.Transitions < open.Transitions);
        Assert.True(open.Transitions < leased.Transitions);
        Assert.True(leased.Transitions < closed.Transitions);
    }

    [Fact]
    public void ZeroQuarantine_DisablesIt()
        => Assert.True(CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, TimeSpan.Zero).IsClosed);

    [Fact]
    public void LateSuccess_DoesNotLiftAQuarantineEarly_RetryAfterIsCapped()
    {
        var open = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, Q);
        Assert.Same(open, CircuitBreaker.Apply(open, Report(AttemptVerdict.Success), T0.AddSeconds(1), Q));
        var limited = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromDays(3650)), T0, Q);
        Assert.Equal(T0 + CircuitBreaker.MaxBackoff, limited.OpenUntil);
    }
}
