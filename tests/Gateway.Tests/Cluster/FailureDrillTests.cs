using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Cluster;

/// <summary>
/// Failure drills with real silo processes and real Redis: gateways keep serving through a silo
/// crash, a restart of every silo and a Redis outage, and the shared breaker state survives.
/// </summary>
public sealed class FailureDrillTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const string Router = "default/test";
    private readonly RedisServer _redis = redis.Server;
    private FakeUpstream _flaky = null!;
    private FakeUpstream _primary = null!;
    private readonly string _service = "t" + Guid.NewGuid().ToString("N")[..10];
    private string _resources = null!;

    public async Task InitializeAsync()
    {
        _flaky = await FakeUpstream.StartAsync();
        _primary = await FakeUpstream.StartAsync();
        _flaky.Behavior = Behavior.Status(500);
        _resources = Directory.CreateTempSubdirectory("llmkube-drill-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_resources, "router.yaml"), RouterYaml.Router(
            RouterYaml.Local("flaky", _flaky.Port) + RouterYaml.Local("primary", _primary.Port),
            RouterYaml.Rule("all", "flaky, primary"),
            "proxy: { quarantineDuration: 10m, consecutive5xxThreshold: 1 }"));
    }

    public async Task DisposeAsync()
    {
        await _flaky.DisposeAsync();
        await _primary.DisposeAsync();
    }

    private Task<ServiceProcess> StartSiloAsync() => ServiceProcess.SiloAsync(
        ["--redis", _redis.Endpoint, "--resources", _resources,
         "--silo-port", Ports.Free().ToString(), "--gateway-port", Ports.Free().ToString()],
        environment: new Dictionary<string, string>
        {
            ["LLMKUBE_Cluster__ServiceId"] = _service,
            ["LLMKUBE_Cluster__ClusterId"] = _service,
            // Detect a crashed silo in seconds rather than the production default.
            ["LLMKUBE_Silo__Membership__ProbeTimeout"] = "00:00:01",
            ["LLMKUBE_Silo__Membership__NumMissedProbesLimit"] = "2",
            ["LLMKUBE_Silo__Membership__NumVotesForDeathDeclaration"] = "1",
            // A joining silo ignores entries whose heartbeat is older than publish timeout x limit.
            ["LLMKUBE_Silo__Membership__IAmAliveTablePublishTimeout"] = "00:00:01",
            ["LLMKUBE_Silo__Membership__NumMissedTableIAmAliveLimit"] = "2",
        });

    private Task<GatewayHost> JoinAsync() => GatewayHost.JoinAsync(_redis, _service, Router);

    private static Task WaitFlakyOpen(GatewayHost gateway)
        => gateway.WaitForPlanAsync(p => p.Snapshot.Backends["flaky"].State == CircuitState.Open, TimeSpan.FromSeconds(30));

    /// <summary>Steady traffic from several gateways until disposed; counts every answer that was not 200.</summary>
    private sealed class Traffic : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _loops;
        private int _ok;
        private int _failed;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _failures = new();

        private readonly GatewayHost[] _gateways;

        public Traffic(params GatewayHost[] gateways)
        {
            _gateways = gateways;
            _loops = gateways.SelectMany(g => Enumerable.Range(0, 2).Select(_ => Task.Run(() => Loop(g)))).ToArray();
        }

        public int Ok => Volatile.Read(ref _ok);
        public int Failed => Volatile.Read(ref _failed);

        /// <summary>The first failures (status and body) and the attempts that were not ok, for the assertion message.</summary>
        public string Report()
        {
            var attempts = _gateways.SelectMany(g => g.Audit.Lines)
                .Where(l => l.Contains("\"outcome\":\"connect_error") || l.Contains("\"outcome\":\"upstream_error") || l.Contains("\"outcome\":\"timeout"))
                .Take(3);
            var health = _gateways.Select(g => string.Join(", ", g.Routing.Current!.Snapshot.Backends.Select(kv => $"{kv.Key}={kv.Value}")));
            return $"{Failed} failed of {Ok + Failed}:\n{string.Join("\n", _failures.Take(3))}\n{string.Join("\n", attempts)}\n{string.Join("\n", health)}";
        }

        private async Task Loop(GatewayHost gateway)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var response = await gateway.SendAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                    if (_failures.Count < 5) _failures.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        public async Task RunForAsync(TimeSpan duration)
        {
            var target = Ok + 20;
            await Task.Delay(duration);
            while (Ok < target) await Task.Delay(20); // make sure traffic really flowed
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
        }
    }

    [Fact]
    public async Task KillOneOfTwoSilos_UnderSteadyTraffic_NoRequestFails_AndBreakerStateIsIntact()
    {
        await using var silo1 = await StartSiloAsync();
        await using var silo2 = await StartSiloAsync();
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();
        (await a.SendAsync()).Dispose(); // flaky answers 500: quarantined for 10 minutes
        await WaitFlakyOpen(a);
        await WaitFlakyOpen(b);

        await using (var traffic = new Traffic(a, b))
        {
            await traffic.RunForAsync(TimeSpan.FromMilliseconds(500));
            await silo1.KillAsync();
            await traffic.RunForAsync(TimeSpan.FromSeconds(3));
            await traffic.DisposeAsync();
            Assert.True(traffic.Failed == 0, traffic.Report());
        }
        Assert.Equal(1, _flaky.RequestCount);

        // A gateway that joins now reads the state from the surviving silo (re-activated from Redis if it lived on the dead one).
        await using var c = await JoinAsync();
        Assert.Equal(CircuitState.Open, c.Routing.Current!.Snapshot.Backends["flaky"].State);
        (await c.SendAsync()).Dispose();
        Assert.Equal(1, _flaky.RequestCount);
    }

    [Fact]
    public async Task RestartEverySilo_AQuarantinedBackendStaysQuarantined()
    {
        var silo = await StartSiloAsync();
        await using var a = await JoinAsync();
        (await a.SendAsync()).Dispose();
        await WaitFlakyOpen(a);
        var epoch = a.Routing.Current!.Snapshot.Epoch;

        await using (var traffic = new Traffic(a))
        {
            await silo.TerminateAsync(TimeSpan.FromSeconds(20));
            await silo.DisposeAsync();
            await traffic.RunForAsync(TimeSpan.FromMilliseconds(500));
            silo = await StartSiloAsync();
            await a.WaitForPlanAsync(p => p.Snapshot.Epoch != epoch, TimeSpan.FromSeconds(30)); // resynced by itself
            await traffic.DisposeAsync();
            Assert.True(traffic.Failed == 0, traffic.Report());
        }
        await using var _ = silo;

        Assert.Equal(CircuitState.Open, a.Routing.Current!.Snapshot.Backends["flaky"].State);
        await using var fresh = await JoinAsync();
        Assert.Equal(CircuitState.Open, fresh.Routing.Current!.Snapshot.Backends["flaky"].State);
        Assert.Equal(1, _flaky.RequestCount);
    }

    [Fact]
    public async Task RedisStopsAndStarts_RoutingContinues_AndTheSystemRecoversWithoutRestarts()
    {
        _flaky.Behavior = Behavior.Json();
        await using var silo = await StartSiloAsync();
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();
        int flakyAfterQuarantine;

        await using (var traffic = new Traffic(a, b))
        {
            await traffic.RunForAsync(TimeSpan.FromMilliseconds(300));
            await _redis.StopAsync();
            // A failure while Redis is down still reaches every gateway: pushes go over Orleans, not Redis.
            _flaky.Behavior = Behavior.Status(500);
            await WaitFlakyOpen(a);
            await WaitFlakyOpen(b);
            flakyAfterQuarantine = _flaky.RequestCount;
            await traffic.RunForAsync(TimeSpan.FromSeconds(2));
            await _redis.StartAgainAsync();
            await traffic.RunForAsync(TimeSpan.FromSeconds(1));
            await traffic.DisposeAsync();
            Assert.True(traffic.Failed == 0, traffic.Report());
        }
        Assert.Equal(flakyAfterQuarantine, _flaky.RequestCount);

        // Recovered without restarts: membership is readable again, so a new gateway joins and sees the quarantine.
        await using var c = await JoinAsync();
        Assert.Equal(CircuitState.Open, c.Routing.Current!.Snapshot.Backends["flaky"].State);
    }

    [Fact]
    public async Task ClusterLost_GatewayServesFromItsSnapshot_WithItsLocalBreaker_ReportsDegraded_AndRejoins()
    {
        _flaky.Behavior = Behavior.Json();
        var silo = await StartSiloAsync();
        await using var a = await GatewayHost.JoinAsync(_redis, _service, Router, settings: new Dictionary<string, string?>
        {
            ["Gateway:DegradedAfter"] = "00:00:01",
            ["Gateway:SnapshotPollInterval"] = "00:00:00.200",
        });
        using (var first = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        await silo.KillAsync();
        await silo.DisposeAsync();
        var ready = await WaitForReadiness(a, "degraded");
        Assert.True(ready.GetProperty("snapshotAgeSeconds").GetInt64() >= 1);

        // Still routing, and the local breaker still protects: a failure quarantines flaky on this gateway alone.
        _flaky.Behavior = Behavior.Status(500);
        using (var failed = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var contacted = _flaky.RequestCount;
        using (var next = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(contacted, _flaky.RequestCount);

        // The cluster returns: the gateway rejoins and resyncs by itself.
        await using var restarted = await StartSiloAsync();
        await WaitForReadiness(a, "ready");
    }

    private static async Task<System.Text.Json.JsonElement> WaitForReadiness(GatewayHost gateway, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        System.Text.Json.JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await gateway.Client.GetAsync("/readyz");
            last = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (last.GetProperty("status").GetString() == status)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return last;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"readiness never became {status}; last: {last}");
    }
}
