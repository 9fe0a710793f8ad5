using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// Two gateway replicas, one silo, real Redis, one fake routing clock: the breaker counts and checks
/// once for the fleet. Exactly one gateway runs a backend's health checks, another takes over when it
/// stops, and a gateway cut off from the cluster checks on its own.
/// </summary>
public sealed class ClusterHealthCheckTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly RedisServer _redis = redis.Server;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly string _service = "t" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _resources = Directory.CreateTempSubdirectory("llmkube-health-").FullName;
    private FakeUpstream _primary = null!;
    private FakeUpstream _secondary = null!;

    public async Task InitializeAsync()
    {
        (_primary, _secondary) = (await FakeUpstream.StartAsync(), await FakeUpstream.StartAsync());
        await WriteRouterAsync("healthCheck: { intervalSeconds: 10, timeoutSeconds: 2 }");
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
        try { Directory.Delete(_resources, recursive: true); } catch (IOException) { }
    }

    private Task WriteRouterAsync(string primaryExtra) => File.WriteAllTextAsync(Path.Combine(_resources, "router.yaml"), RouterYaml.Router(
        RouterYaml.Local("primary", _primary.Port, primaryExtra) + RouterYaml.Local("secondary", _secondary.Port),
        RouterYaml.Rule("all", "primary, secondary")));

    private Task<GatewayHost> JoinAsync()
        => GatewayHost.JoinAsync(_redis, _service, "default/test", _clock, settings: new Dictionary<string, string?>
        {
            ["Gateway:ProbeLeaseTimeout"] = "00:00:00.500",
        });

    private static int Checks(GatewayHost gateway) => gateway.Logs.Messages.Count(m =>
        m.Contains("backend primary: health check passed") || m.Contains("backend primary: health check failed"));

    private static int Rounds(GatewayHost gateway)
        => Checks(gateway) + gateway.Logs.Messages.Count(m => m.Contains("backend primary: health check left to the lease holder"));

    // Every gateway logs each round: a verdict when it checked, "left to the lease holder" when it did not.
    private static Task WaitForRoundsAsync(GatewayHost gateway, int rounds)
        => gateway.Logs.WaitForAsync(_ => Rounds(gateway) >= rounds);

    private int HealthRequests => _primary.Requests.Count(r => r.Path == "/health");

    [Fact]
    public async Task TwoGateways_ExactlyOneChecks_AndTheOtherTakesOverWhenItStops()
    {
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        var running = new List<GatewayHost> { await JoinAsync(), await JoinAsync() };
        try
        {
            for (var round = 1; round <= 4; round++)
            {
                if (round > 1) _clock.Advance(Interval);
                foreach (var gateway in running) await WaitForRoundsAsync(gateway, round);
            }

            Assert.Equal(4, HealthRequests);
            var holder = running.Single(g => Checks(g) > 0);
            var standby = running.Single(g => g != holder);
            Assert.Equal(4, Checks(holder));
            Assert.Equal(0, Checks(standby));
            await standby.Logs.WaitForAsync(m => m.Contains("backend primary: health checks run by another gateway"));

            // The holder stops renewing: its lease (2 intervals + timeout) runs out after two rounds, then the other one checks.
            running.Remove(holder);
            await holder.DisposeAsync();
            var before = HealthRequests;
            for (var round = 5; round <= 8; round++)
            {
                _clock.Advance(Interval);
                await WaitForRoundsAsync(standby, round);
            }
            await standby.Logs.WaitForAsync(m => m.Contains("backend primary: this gateway runs the health checks"));
            Assert.Equal(2, Checks(standby));
            Assert.Equal(before + 2, HealthRequests);
            await silo.Logs.WaitForAsync(m => m.Contains("backend default/test/primary: health checks assigned to"));
        }
        finally
        {
            foreach (var gateway in running) await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task FailingChecksSeenByOneGateway_QuarantineTheBackendOnBoth_BeforeAnyRequest()
    {
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();
        await WaitForRoundsAsync(a, 1);
        await WaitForRoundsAsync(b, 1);
        _primary.Behavior = Behavior.Status(503);
        for (var round = 2; round <= 4; round++)
        {
            _clock.Advance(Interval);
            await WaitForRoundsAsync(a, round);
            await WaitForRoundsAsync(b, round);
        }

        await a.WaitForPlanAsync(p => p.Snapshot.Backends["primary"] is { State: CircuitState.Open, Cause: OpenCause.HealthCheck });
        await b.WaitForPlanAsync(p => p.Snapshot.Backends["primary"] is { State: CircuitState.Open, Cause: OpenCause.HealthCheck });
        using (var response = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await b.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(_primary.Requests, r => Assert.Equal("/health", r.Path));
    }

    [Fact]
    public async Task FiveXxSeenByDifferentGateways_AddUpToOneThreshold()
    {
        await WriteRouterAsync("");
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();
        _primary.Behavior = Behavior.Status(500);

        (await a.SendAsync()).Dispose();
        await b.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].Consecutive5xx == 1);
        (await b.SendAsync()).Dispose();
        await a.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].Consecutive5xx == 2);
        (await a.SendAsync()).Dispose();

        await b.WaitForPlanAsync(p => p.Snapshot.Backends["primary"] is { State: CircuitState.Open, Cause: OpenCause.ServerErrors });
        using (var response = await b.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _primary.RequestCount);
    }

    [Fact]
    public async Task GatewayCutOffFromTheCluster_ChecksOnItsOwn_AndItsLocalBreakerOpens()
    {
        var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        await using var a = await JoinAsync();
        await WaitForRoundsAsync(a, 1);
        await silo.KillAsync();

        _primary.Behavior = Behavior.Status(500);
        for (var round = 2; round <= 4; round++)
        {
            _clock.Advance(Interval);
            await WaitForRoundsAsync(a, round);
        }

        await a.Logs.WaitForAsync(m => m.Contains("backend primary: cluster unreachable, health checks run on this gateway's own authority"));
        var primary = a.Routing.Current!.ByName["primary"];
        Assert.Equal(CircuitState.Open, primary.Effective.State);
        _primary.ClearRequests();
        using (var response = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, _primary.RequestCount);
    }
}
