using LLMKube.Gateway.Health;
using LLMKube.Gateway.Tests.Routing;
using LLMKube.Grains.Backends;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// The local overlay: what a gateway believes about a backend between pushes, what it tells the Backend
/// grain, and how it keeps protecting itself when the cluster does not answer.
/// </summary>
public sealed class BackendRuntimeTests
{
    private static readonly TimeSpan Q = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingBackendGrain _grain = new();

    private BackendRuntime Runtime(BackendHealth? shared = null)
        => new(Plans.Backend("primary"), shared ?? BackendHealth.Healthy, _grain, "gateway-a", new RoutingClock(_clock), _time);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private BackendHealth Shared(AttemptVerdict verdict, BackendHealth? from = null)
        => CircuitBreaker.Apply(from ?? BackendHealth.Healthy, new AttemptReport(verdict, "elsewhere", null, "gateway-b"), Now, BreakerPolicy.Default);

    [Fact]
    public void Push_ReplacesTheSharedState_AnOlderOneIsIgnored_UnlessTheProjectionWasRebuilt()
    {
        var runtime = Runtime();
        var open = Shared(AttemptVerdict.Failure);
        runtime.Update(runtime.Config, open, reset: false);
        Assert.Same(open, runtime.Effective);

        runtime.Update(runtime.Config, BackendHealth.Healthy, reset: false);
        Assert.Same(open, runtime.Effective);

        var rebuilt = BackendHealth.Healthy;
        runtime.Update(runtime.Config, rebuilt, reset: true);
        Assert.Same(rebuilt, runtime.Effective);
    }

    [Fact]
    public void LocalFailure_ProtectsAtOnce_AndGivesWayOnlyToANewerPush()
    {
        var runtime = Runtime();
        runtime.OnOutcome(AttemptVerdict.Failure, "refused", null, wasProbe: false);
        Assert.Equal(CircuitState.Open, runtime.Effective.State);
        Assert.Equal(Admission.Skip, runtime.Check(Now, out var retryAt));
        Assert.Equal(Now + Q, retryAt);

        // A push that does not yet include this gateway's report keeps the overlay.
        runtime.Update(runtime.Config, BackendHealth.Healthy, reset: false);
        Assert.Equal(CircuitState.Open, runtime.Effective.State);

        // The grain's answer (a newer state) replaces it once pushes in flight have had their time.
        var confirmed = Shared(AttemptVerdict.Failure) with { Transitions = 5 };
        runtime.Update(runtime.Config, confirmed, reset: false);
        _time.Advance(BackendRuntime.OverlayGrace);
        Assert.Same(confirmed, runtime.Effective);
    }

    [Fact]
    public void AQuarantineDecidedByTheFleet_WinsOverALocalObservationAtOnce()
    {
        var runtime = Runtime();
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);
        Assert.True(runtime.Effective.IsClosed);

        var open = Shared(AttemptVerdict.Failure) with { Transitions = 3 };
        runtime.Update(runtime.Config, open, reset: false);

        Assert.Same(open, runtime.Effective);
    }

    [Fact]
    public void APushSentBeforeTheGrainSawALocalSuccess_DoesNotPutBackTheOld5xxCount()
    {
        var runtime = Runtime();
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);
        runtime.OnOutcome(AttemptVerdict.Success, null, null, wasProbe: false);
        Assert.Equal(0, runtime.Effective.Consecutive5xx);

        // The grain's push for the second 5xx arrives after the local success (the report is one-way).
        var stale = BackendHealth.Healthy with { Consecutive5xx = 2, Transitions = 2 };
        runtime.Update(runtime.Config, stale, reset: false);
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);

        Assert.True(runtime.Effective.IsClosed);
        Assert.Equal(1, runtime.Effective.Consecutive5xx);
    }

    [Fact]
    public void EveryFiveXx_IsReported_SoIsTheFirstSuccessAfter_SteadySuccessIsNot()
    {
        var runtime = Runtime();
        runtime.OnOutcome(AttemptVerdict.Success, null, null, wasProbe: false);
        Assert.Empty(_grain.Reports);

        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 500", null, wasProbe: false);
        Assert.True(runtime.Effective.IsClosed);
        Assert.Equal(2, runtime.Effective.Consecutive5xx);
        runtime.OnOutcome(AttemptVerdict.Success, null, null, wasProbe: false);
        runtime.OnOutcome(AttemptVerdict.Success, null, null, wasProbe: false);

        Assert.Equal([AttemptVerdict.ServerError, AttemptVerdict.ServerError, AttemptVerdict.Success], _grain.Reports.Select(r => r.Verdict));
        Assert.All(_grain.Reports, r => Assert.Equal(runtime.Upstream, r.Upstream));
        Assert.All(_grain.Reports, r => Assert.Equal("gateway-a", r.Reporter));
    }

    [Fact]
    public void FiveXxCountedByOtherGateways_CountHereToo()
    {
        var twoElsewhere = Shared(AttemptVerdict.ServerError, Shared(AttemptVerdict.ServerError));
        var runtime = Runtime(twoElsewhere);
        runtime.OnOutcome(AttemptVerdict.ServerError, "primary returned 503", null, wasProbe: false);
        Assert.Equal(CircuitState.Open, runtime.Effective.State);
        Assert.Equal(Now, runtime.Effective.LastFailure);
    }

    [Fact]
    public async Task ProbeLease_OneAskPerGatewayAtATime_ReleasedByTheOutcome()
    {
        var open = Shared(AttemptVerdict.Failure);
        var runtime = Runtime(open);
        _clock.Advance(Q);
        Assert.Equal(Admission.NeedProbe, runtime.Check(Now, out _));
        var leased = CircuitBreaker.TryAcquireProbe(open, "gateway-a", Now, TimeSpan.FromSeconds(30));
        _grain.ProbeAnswer = leased;

        var (granted, _) = await runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait);
        var (second, retryAt) = await runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait);
        Assert.True(granted);
        Assert.False(second);
        Assert.Equal(Now + TimeSpan.FromSeconds(1), retryAt);
        Assert.Equal(1, _grain.ProbeRequests);
        Assert.Same(leased.Health, runtime.Effective); // the grain's answer is the freshest shared state

        // An inconclusive probe releases the lease, locally and at the grain; this gateway may ask again.
        runtime.OnOutcome(AttemptVerdict.Inconclusive, null, null, wasProbe: true);
        Assert.Null(runtime.Effective.ProbeHolder);
        Assert.Equal(AttemptVerdict.Inconclusive, Assert.Single(_grain.Reports).Verdict);
        Assert.True((await runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait)).Granted);
        Assert.Equal(2, _grain.ProbeRequests);
    }

    [Fact]
    public async Task ProbeLeaseHeldByAnotherGateway_IsSkippedUntilItEnds()
    {
        var open = Shared(AttemptVerdict.Failure);
        _clock.Advance(Q);
        var theirs = CircuitBreaker.TryAcquireProbe(open, "gateway-b", Now, TimeSpan.FromSeconds(30)).Health;
        var runtime = Runtime(theirs);
        Assert.Equal(Admission.Skip, runtime.Check(Now, out var retryAt));
        Assert.Equal(Now + TimeSpan.FromSeconds(30), retryAt);
        _grain.ProbeAnswer = new ProbeDecision(false, retryAt, theirs);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(Admission.NeedProbe, runtime.Check(Now, out _));
        Assert.False((await runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait)).Granted);
    }

    [Fact]
    public async Task ClusterUnreachable_TheGatewayProbesOnItsOwn_AndItsOverlayStillProtects()
    {
        _grain.Unreachable = true;
        var runtime = Runtime();
        runtime.OnOutcome(AttemptVerdict.Failure, "refused", null, wasProbe: false);
        Assert.Equal(Admission.Skip, runtime.Check(Now, out _));

        _clock.Advance(Q);
        Assert.True((await runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait)).Granted);
        runtime.OnOutcome(AttemptVerdict.Failure, "refused", null, wasProbe: true);
        Assert.Equal(1, runtime.Effective.BackoffStep);
        Assert.Equal(Admission.Skip, runtime.Check(Now, out _));
        Assert.Empty(_grain.Reports);
    }

    [Fact]
    public async Task SilentCluster_AfterTheWait_TheGatewayProbesOnItsOwn()
    {
        var runtime = Runtime(Shared(AttemptVerdict.Failure));
        _clock.Advance(Q);
        _grain.Silent = true;
        var asking = runtime.TryAcquireProbeAsync(TimeSpan.FromSeconds(30), Wait);
        Assert.False(asking.IsCompleted);
        _time.Advance(Wait);
        Assert.True((await asking).Granted);
    }

    [Fact]
    public async Task HealthChecks_TheLeaseHolderReports_ADegradedGatewayKeepsResultsLocal()
    {
        var runtime = Runtime();
        Assert.Equal(HealthCheckRole.Prober, await runtime.TryAcquireHealthCheckAsync(TimeSpan.FromSeconds(22), Wait));
        runtime.OnHealthCheck(false, "health check /health returned 500", HealthCheckRole.Prober);
        Assert.Equal(1, runtime.Effective.CheckFailures);
        Assert.Equal(runtime.Upstream, Assert.Single(_grain.CheckReports).Upstream);

        _grain.GrantHealthCheck = false;
        Assert.Equal(HealthCheckRole.Standby, await runtime.TryAcquireHealthCheckAsync(TimeSpan.FromSeconds(22), Wait));

        _grain.Unreachable = true;
        Assert.Equal(HealthCheckRole.Degraded, await runtime.TryAcquireHealthCheckAsync(TimeSpan.FromSeconds(22), Wait));
        runtime.OnHealthCheck(false, "health check /health returned 500", HealthCheckRole.Degraded);
        runtime.OnHealthCheck(false, "health check /health returned 500", HealthCheckRole.Degraded);
        Assert.Equal(CircuitState.Open, runtime.Effective.State);
        Assert.Equal(OpenCause.HealthCheck, runtime.Effective.Cause);
        Assert.Single(_grain.CheckReports);

        // A passing check closes the local circuit before its quarantine ends.
        _clock.Advance(TimeSpan.FromSeconds(10));
        runtime.OnHealthCheck(true, null, HealthCheckRole.Degraded);
        Assert.Equal(Admission.Go, runtime.Check(Now, out _));
    }
}
