using LLMKube.Grains.Backends;

namespace LLMKube.Grains.Tests.Backends;

public sealed class CircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Q = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly BreakerPolicy P = new(Q, Consecutive5xxThreshold: 3, CheckFailureThreshold: 3, CheckSuccessThreshold: 1);

    private static AttemptReport Report(AttemptVerdict verdict, string reporter = "g1", TimeSpan? retryAfter = null)
        => new(verdict, verdict is AttemptVerdict.Failure or AttemptVerdict.ServerError ? "boom" : null, retryAfter, reporter);

    private static BackendHealth Opened() => CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, P);

    [Fact]
    public void Failure_OpensForTheQuarantine_LateFailuresDoNotExtendIt()
    {
        var open = Opened();
        Assert.Equal(CircuitState.Open, open.State);
        Assert.Equal(T0 + Q, open.OpenUntil);
        Assert.Equal("boom", open.LastError);
        Assert.Equal(OpenCause.Failure, open.Cause);
        Assert.Same(open, CircuitBreaker.Apply(open, Report(AttemptVerdict.Failure), T0.AddSeconds(5), P));
        Assert.Same(open, CircuitBreaker.Apply(open, Report(AttemptVerdict.ServerError), T0.AddSeconds(5), P));
        Assert.False(open.IsHalfOpen(T0.AddSeconds(14)));
        Assert.True(open.IsHalfOpen(T0 + Q));
    }

    [Fact]
    public void ServerErrors_OpenOnlyAtTheThreshold_AndEachOneIsATransition()
    {
        var one = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.ServerError), T0, P);
        var two = CircuitBreaker.Apply(one, Report(AttemptVerdict.ServerError), T0.AddSeconds(1), P);
        Assert.True(one.IsClosed);
        Assert.True(two.IsClosed);
        Assert.Equal(2, two.Consecutive5xx);
        Assert.True(one.Transitions > 0 && two.Transitions > one.Transitions);

        var open = CircuitBreaker.Apply(two, Report(AttemptVerdict.ServerError), T0.AddSeconds(2), P);
        Assert.Equal(CircuitState.Open, open.State);
        Assert.Equal(T0.AddSeconds(2) + Q, open.OpenUntil);
        Assert.Equal(OpenCause.ServerErrors, open.Cause);
        Assert.Equal(0, open.Consecutive5xx);
    }

    [Fact]
    public void Success_ResetsThe5xxCount_AsATransitionWorthReporting()
    {
        var two = CircuitBreaker.Apply(CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.ServerError), T0, P), Report(AttemptVerdict.ServerError), T0, P);
        var reset = CircuitBreaker.Apply(two, Report(AttemptVerdict.Success), T0, P);
        Assert.NotSame(two, reset);
        Assert.Equal(0, reset.Consecutive5xx);
        Assert.True(reset.Transitions > two.Transitions);
        // A success on a clean circuit changes nothing: steady traffic sends no report.
        Assert.Same(reset, CircuitBreaker.Apply(reset, Report(AttemptVerdict.Success), T0, P));
        var one = CircuitBreaker.Apply(reset, Report(AttemptVerdict.ServerError), T0, P);
        Assert.True(one.IsClosed);
        Assert.Equal(1, one.Consecutive5xx);
    }

    [Fact]
    public void ConnectErrors_OpenAtOnce_WhateverThe5xxCount()
    {
        var one = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.ServerError), T0, P);
        Assert.Equal(CircuitState.Open, CircuitBreaker.Apply(one, Report(AttemptVerdict.Failure), T0, P).State);
        Assert.Equal(CircuitState.Open, CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.ServerError), T0, P with { Consecutive5xxThreshold = 1 }).State);
    }

    [Fact]
    public void ServerError_OnTheHalfOpenProbe_ReopensAtOnceWithBackoff()
    {
        var open = Opened();
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        var reopened = CircuitBreaker.Apply(leased, Report(AttemptVerdict.ServerError), T0 + Q, P);
        Assert.Equal(CircuitState.Open, reopened.State);
        Assert.Equal(1, reopened.BackoffStep);
        Assert.Equal(T0 + Q + TimeSpan.FromSeconds(30), reopened.OpenUntil);
        Assert.Null(reopened.ProbeHolder);
    }

    [Fact]
    public void LastFailure_IsKeptByEveryFailure_AndSurvivesRecovery()
    {
        var counted = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.ServerError), T0, P);
        Assert.Equal(T0, counted.LastFailure);
        var open = CircuitBreaker.Apply(counted, Report(AttemptVerdict.Failure), T0.AddSeconds(3), P);
        Assert.Equal(T0.AddSeconds(3), open.LastFailure);
        var closed = CircuitBreaker.Apply(open, Report(AttemptVerdict.Success), open.OpenUntil, P);
        Assert.True(closed.IsClosed);
        Assert.Equal(T0.AddSeconds(3), closed.LastFailure);
        var limited = CircuitBreaker.Apply(closed, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromSeconds(5)), T0.AddMinutes(1), P);
        Assert.Equal(T0.AddMinutes(1), limited.LastFailure);
    }

    [Fact]
    public void HalfOpen_GrantsOneLeaseAtATime()
    {
        var open = Opened();
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
        var health = Opened();
        var now = T0;
        var expected = new[] { 30, 60, 120, 240, 300, 300 };
        foreach (var seconds in expected)
        {
            now = health.OpenUntil;
            health = CircuitBreaker.TryAcquireProbe(health, "g1", now, Lease).Health;
            health = CircuitBreaker.Apply(health, Report(AttemptVerdict.Failure), now, P);
            Assert.Equal(TimeSpan.FromSeconds(seconds), health.OpenUntil - now);
        }
        var closed = CircuitBreaker.Apply(health, Report(AttemptVerdict.Success), health.OpenUntil, P);
        Assert.True(closed.IsClosed);
        Assert.Equal(0, closed.BackoffStep);
        Assert.Null(closed.ProbeHolder);
        Assert.Equal(OpenCause.None, closed.Cause);
    }

    [Fact]
    public void Inconclusive_ReleasesOnlyTheReportersLease()
    {
        var open = Opened();
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        Assert.Same(leased, CircuitBreaker.Apply(leased, Report(AttemptVerdict.Inconclusive, "g2"), T0 + Q, P));
        var released = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Inconclusive, "g1"), T0 + Q, P);
        Assert.Null(released.ProbeHolder);
        Assert.Equal(CircuitState.Open, released.State);
        Assert.True(CircuitBreaker.TryAcquireProbe(released, "g2", T0 + Q, Lease).Granted);
    }

    [Fact]
    public void RateLimited_WithRetryAfter_OpensForThatLong_WithoutIsIgnored()
    {
        var limited = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromSeconds(42)), T0, P);
        Assert.Equal(T0.AddSeconds(42), limited.OpenUntil);
        Assert.Equal(OpenCause.RateLimited, limited.Cause);
        var healthy = BackendHealth.Healthy;
        Assert.Same(healthy, CircuitBreaker.Apply(healthy, Report(AttemptVerdict.RateLimited), T0, P));
    }

    [Fact]
    public void Transitions_IncreaseOnEveryChange()
    {
        var open = Opened();
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        var closed = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Success), T0 + Q, P);
        Assert.True(BackendHealth.Healthy.Transitions < open.Transitions);
        Assert.True(open.Transitions < leased.Transitions);
        Assert.True(leased.Transitions < closed.Transitions);
    }

    [Fact]
    public void ZeroQuarantine_DisablesIt()
    {
        var off = P with { Quarantine = TimeSpan.Zero };
        Assert.True(CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.Failure), T0, off).IsClosed);
        var healthy = BackendHealth.Healthy;
        Assert.Same(healthy, CircuitBreaker.Apply(healthy, Report(AttemptVerdict.ServerError), T0, off));
        Assert.Same(healthy, CircuitBreaker.ApplyHealthCheck(healthy, false, "down", T0, off));
    }

    [Fact]
    public void LateSuccess_DoesNotLiftAQuarantineEarly_RetryAfterIsCapped()
    {
        var open = Opened();
        Assert.Same(open, CircuitBreaker.Apply(open, Report(AttemptVerdict.Success), T0.AddSeconds(1), P));
        var limited = CircuitBreaker.Apply(BackendHealth.Healthy, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromDays(3650)), T0, P);
        Assert.Equal(T0 + CircuitBreaker.MaxBackoff, limited.OpenUntil);
    }

    [Fact]
    public void Describe_NamesEachKindOfTransition()
    {
        var healthy = BackendHealth.Healthy;
        var counted = CircuitBreaker.Apply(healthy, Report(AttemptVerdict.ServerError), T0, P);
        var open = Opened();
        var leased = CircuitBreaker.TryAcquireProbe(open, "g1", T0 + Q, Lease).Health;
        var released = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Inconclusive), T0 + Q, P);
        var reopened = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Failure), T0 + Q, P);
        var extended = CircuitBreaker.Apply(open, Report(AttemptVerdict.RateLimited, retryAfter: TimeSpan.FromMinutes(1)), T0, P);
        var closed = CircuitBreaker.Apply(leased, Report(AttemptVerdict.Success), T0 + Q, P);

        Assert.Equal(CircuitChange.None, CircuitBreaker.Describe(healthy, healthy));
        Assert.Equal(CircuitChange.Counted, CircuitBreaker.Describe(healthy, counted));
        Assert.Equal(CircuitChange.Opened, CircuitBreaker.Describe(healthy, open));
        Assert.Equal(CircuitChange.ProbeGranted, CircuitBreaker.Describe(open, leased));
        Assert.Equal(CircuitChange.ProbeReleased, CircuitBreaker.Describe(leased, released));
        Assert.Equal(CircuitChange.Reopened, CircuitBreaker.Describe(leased, reopened));
        Assert.Equal(CircuitChange.Extended, CircuitBreaker.Describe(open, extended));
        Assert.Equal(CircuitChange.Closed, CircuitBreaker.Describe(leased, closed));
    }
}
