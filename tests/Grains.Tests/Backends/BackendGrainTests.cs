using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Tests.Fixtures;

namespace LLMKube.Grains.Tests.Backends;

/// <summary>The Backend grain in a real silo: which reports it takes, who may probe and check, what it logs.</summary>
public sealed class BackendGrainTests : IAsyncLifetime
{
    private const string OldAddress = "http://10.0.0.1:8080|openai|";
    private const string NewAddress = "http://10.0.0.2:8080|openai|";
    private static readonly ObjectKey Router = new("default", "test");
    private static readonly HealthCheckConfig Checks = new("/health", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 3, 1);
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private static BackendSettings Settings(string identity, HealthCheckConfig? checks = null)
        => new(Router, "primary", identity, BreakerPolicy.Default, checks);

    private IBackendGrain Grain(string name) => _silo.Grains.GetGrain<IBackendGrain>(IBackendGrain.Key(Router, name));

    private static AttemptReport Report(AttemptVerdict verdict, string upstream, string reporter = "gateway-a")
        => new(verdict, verdict == AttemptVerdict.Success ? null : $"{verdict} from {upstream}", null, reporter, upstream);

    // Reports are one-way: wait for the state they lead to.
    private static async Task<BackendHealth> WaitFor(IBackendGrain grain, Func<BackendHealth, bool> condition, string what)
    {
        BackendHealth health = null!;
        await TestSilo.Eventually(async () => condition(health = await grain.GetHealth()), what);
        return health;
    }

    [Fact]
    public async Task ALifecycleBlock_StandsUntilItsSourceLiftsIt_AndSurvivesAnUpstreamChange()
    {
        var grain = Grain("blocked");
        var configured = await grain.Configure(Settings(OldAddress));
        Assert.Null(configured.Blocked);

        await grain.SetBlock(LifecycleSource.InferenceService, "InferenceService default/q is Creating");
        var blocked = await grain.GetHealth();
        Assert.Equal("InferenceService default/q is Creating", blocked.Blocked);
        Assert.True(blocked.Transitions > configured.Transitions, "a block is a transition the routing table publishes");
        Assert.True(blocked.IsClosed, "a block is not a quarantine");

        await grain.SetBlock(LifecycleSource.InferenceService, "InferenceService default/q is Creating");
        Assert.Equal(blocked.Transitions, (await grain.GetHealth()).Transitions);
        Assert.Equal("InferenceService default/q is Creating", (await grain.Configure(Settings(NewAddress))).Blocked);

        await grain.SetBlock(LifecycleSource.InferenceService, null);
        Assert.Null((await grain.GetHealth()).Blocked);
    }

    [Fact]
    public async Task LateReportAboutTheOldAddress_DoesNotQuarantineTheNewOne()
    {
        var grain = Grain("moved");
        await grain.Configure(Settings(OldAddress));
        await grain.Report(Report(AttemptVerdict.Failure, OldAddress));
        await WaitFor(grain, h => h.State == CircuitState.Open, "the old address quarantined");

        // The backend moves: its circuit starts closed. A gateway still on the old plan reports a failure.
        var moved = await grain.Configure(Settings(NewAddress));
        Assert.True(moved.IsClosed);
        await grain.Report(Report(AttemptVerdict.Failure, OldAddress));
        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress));

        var health = await WaitFor(grain, h => h.Transitions > moved.Transitions, "the report about the new address applied");
        Assert.True(health.IsClosed, health.ToString());
        Assert.Equal(1, health.Consecutive5xx);
        Assert.False((await grain.TryAcquireHealthCheck("gateway-a", OldAddress, TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task ProbeLease_IsRefusedToAGatewayStillRoutingToTheOldAddress()
    {
        var grain = Grain("probe");
        await grain.Configure(Settings(NewAddress));
        await grain.Report(Report(AttemptVerdict.Failure, NewAddress));
        await WaitFor(grain, h => h.State == CircuitState.Open, "quarantined");
        _silo.Clock.Advance(TimeSpan.FromSeconds(16));

        Assert.False((await grain.TryAcquireProbe("gateway-old", OldAddress, TimeSpan.FromSeconds(30))).Granted);
        Assert.True((await grain.TryAcquireProbe("gateway-new", NewAddress, TimeSpan.FromSeconds(30))).Granted);
    }

    [Fact]
    public async Task FiveXxFromSeveralGateways_CountTowardOneThreshold_ASuccessAnywhereResetsIt()
    {
        var grain = Grain("flaky");
        await grain.Configure(Settings(NewAddress));
        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress, "gateway-a"));
        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress, "gateway-b"));
        await WaitFor(grain, h => h.Consecutive5xx == 2, "two 5xx counted");
        await grain.Report(Report(AttemptVerdict.Success, NewAddress, "gateway-c"));
        await WaitFor(grain, h => h.Consecutive5xx == 0, "the count reset by a success");

        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress, "gateway-b"));
        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress, "gateway-c"));
        await grain.Report(Report(AttemptVerdict.ServerError, NewAddress, "gateway-a"));
        var open = await WaitFor(grain, h => h.State == CircuitState.Open, "opened by the third 5xx in a row");
        Assert.Equal(OpenCause.ServerErrors, open.Cause);
    }

    [Fact]
    public async Task HealthChecks_OneHolderAtATime_OnlyItsResultsCount_AnotherTakesOverWhenItStops()
    {
        var grain = Grain("checked");
        await grain.Configure(Settings(NewAddress, Checks));
        var lease = Checks.Lease;
        Assert.True(await grain.TryAcquireHealthCheck("gateway-a", NewAddress, lease));
        Assert.False(await grain.TryAcquireHealthCheck("gateway-b", NewAddress, lease));

        for (var i = 0; i < 3; i++)
            await grain.ReportHealthCheck(new HealthCheckReport(false, "down", "gateway-b", NewAddress));
        await grain.ReportHealthCheck(new HealthCheckReport(false, "down", "gateway-a", NewAddress));
        var counted = await WaitFor(grain, h => h.CheckFailures > 0, "the holder's failure counted");
        Assert.Equal(1, counted.CheckFailures);

        // The holder renews at every round; when it stops, the lease runs out and another gateway takes over.
        _silo.Clock.Advance(Checks.Interval);
        Assert.True(await grain.TryAcquireHealthCheck("gateway-a", NewAddress, lease));
        _silo.Clock.Advance(Checks.Interval);
        Assert.False(await grain.TryAcquireHealthCheck("gateway-b", NewAddress, lease));
        _silo.Clock.Advance(lease - Checks.Interval);
        Assert.True(await grain.TryAcquireHealthCheck("gateway-b", NewAddress, lease));
        await grain.ReportHealthCheck(new HealthCheckReport(false, "down", "gateway-b", NewAddress));
        await grain.ReportHealthCheck(new HealthCheckReport(false, "down", "gateway-b", NewAddress));
        await WaitFor(grain, h => h.State == CircuitState.Open, "three failed checks in a row");
    }

    [Fact]
    public async Task HealthChecks_AreRefused_ForABackendWithoutThem()
    {
        var grain = Grain("unchecked");
        await grain.Configure(Settings(NewAddress));
        Assert.False(await grain.TryAcquireHealthCheck("gateway-a", NewAddress, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TransitionLogs_SayWhatEachTransitionMeans_WithoutAnEmptyDeadline()
    {
        var grain = Grain("logged");
        await grain.Configure(Settings(NewAddress));
        await grain.Report(Report(AttemptVerdict.Failure, NewAddress));
        var open = await WaitFor(grain, h => h.State == CircuitState.Open, "opened");
        _silo.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True((await grain.TryAcquireProbe("gateway-a", NewAddress, TimeSpan.FromSeconds(30))).Granted);
        await grain.Report(Report(AttemptVerdict.Failure, NewAddress));
        await WaitFor(grain, h => h.BackoffStep == 1, "re-opened");
        _silo.Clock.Advance(TimeSpan.FromSeconds(30));
        await grain.Report(Report(AttemptVerdict.Success, NewAddress));
        await WaitFor(grain, h => h.IsClosed, "closed");

        var lines = _silo.Logs.Where(l => l.Contains("backend default/test/logged")).ToList();
        Assert.Contains(lines, l => l.Contains($"circuit opened until {open.OpenUntil:O} after a connect error, reset or broken response"));
        Assert.Contains(lines, l => l.Contains("circuit re-opened until") && l.Contains("(backoff step 1)"));
        Assert.Contains(lines, l => l.Contains("half-open probe lease granted to gateway-a"));
        Assert.Contains(lines, l => l.Contains("circuit closed: a request succeeded"));
        Assert.DoesNotContain(lines, l => l.Contains("0001-01-01"));
    }
}
