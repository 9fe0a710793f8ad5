using System.Net;
using LLMKube.Gateway.Routing;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Cluster;

/// <summary>
/// Two gateway replicas on one router, one silo, real Redis: health is decided once for the fleet.
/// The gateways and the silo share one fake routing clock, so quarantine expiry is exact.
/// </summary>
public sealed class SharedHealthTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly RedisServer _redis = redis.Server;
    private FakeUpstream _primary = null!;
    private FakeUpstream _secondary = null!;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _service = "t" + Guid.NewGuid().ToString("N")[..10];
    private string _resources = null!;

    public async Task InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _secondary = await FakeUpstream.StartAsync();
        _resources = Directory.CreateTempSubdirectory("llmkube-cluster-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_resources, "router.yaml"), RouterYaml.Router(
            RouterYaml.Local("primary", _primary.Port) + RouterYaml.Local("secondary", _secondary.Port),
            RouterYaml.Rule("all", "primary, secondary"), "proxy: { consecutive5xxThreshold: 1 }"));
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
    }

    private Task<GatewayHost> JoinAsync(IDictionary<string, string?>? settings = null)
        => GatewayHost.JoinAsync(_redis, _service, "default/test", _clock, settings: settings);

    private static Task WaitOpen(GatewayHost gateway) => gateway.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].State == CircuitState.Open);

    [Fact]
    public async Task FailureSeenByA_ExcludesTheBackendOnB_AndRecoveryReachesBoth()
    {
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();

        _primary.Behavior = Behavior.Status(500);
        using (var response = await a.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _primary.RequestCount);
        await WaitOpen(b);

        for (var i = 0; i < 5; i++)
            using (var response = await b.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _primary.RequestCount); // B never contacted it

        // Recovery: the quarantine ends, one probe succeeds, both gateways route to it again.
        _primary.Behavior = Behavior.Json();
        _clock.Advance(TimeSpan.FromSeconds(16));
        using (var probe = await b.SendAsync()) Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        await a.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].IsClosed);
        await b.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].IsClosed);
        _primary.ClearRequests();
        (await a.SendAsync()).Dispose();
        (await b.SendAsync()).Dispose();
        Assert.Equal(2, _primary.RequestCount);
    }

    [Fact]
    public async Task QuarantineExpires_TwoGatewaysFiftyRequestsEach_ExactlyOneProbe()
    {
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock);
        await using var a = await JoinAsync();
        await using var b = await JoinAsync();
        _primary.Behavior = Behavior.Status(503);
        (await a.SendAsync()).Dispose();
        await WaitOpen(a);
        await WaitOpen(b);

        _primary.ClearRequests();
        _primary.Behavior = Behavior.Delay(TimeSpan.FromMilliseconds(300), Behavior.Json());
        _clock.Advance(TimeSpan.FromSeconds(16));
        var requests = Enumerable.Range(0, 50).SelectMany(_ => new[] { a.SendAsync(), b.SendAsync() });
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _primary.RequestCount);
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task PushesLost_TheVersionPollConverges()
    {
        var drop = new DropSnapshotPushes();
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, clock: _clock,
            configure: builder => builder.Services.AddSingleton<IOutgoingGrainCallFilter>(drop));
        await using var a = await JoinAsync();
        await using var b = await JoinAsync(new Dictionary<string, string?> { ["Gateway:SnapshotPollInterval"] = "00:00:00.300" });
        var version = b.Routing.Current!.Snapshot.Version;
        drop.Enabled = true;

        _primary.Behavior = Behavior.Status(500);
        (await a.SendAsync()).Dispose();

        await b.WaitForPlanAsync(p => p.Snapshot.Version > version && p.Snapshot.Backends["primary"].State == CircuitState.Open, TimeSpan.FromSeconds(5));
        await b.Logs.WaitForAsync(m => m.Contains("version poll repaired a missed push"));
    }

    [Fact]
    public async Task WrongClusterToken_IsRefused()
    {
        await using var silo = await SiloHost.StartAsync(_redis, _service, _resources, token: "right-token", clock: _clock);
        await using var good = await GatewayHost.JoinAsync(_redis, _service, "default/test", _clock, token: "right-token");
        await using var bad = await GatewayHost.JoinAsync(_redis, _service, "default/test", _clock, token: "wrong-token", waitReady: false);

        using (var ok = await good.SendAsync()) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await silo.Logs.WaitForAsync(m => m.Contains("rejected a call") && m.Contains("a wrong cluster token"));
        Assert.Null(bad.Routing.Current);
        using var ready = await bad.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var refused = await bad.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.DoesNotContain(silo.Logs.Messages, m => m.Contains("right-token") || m.Contains("wrong-token"));
    }

    /// <summary>Loses every routing-table push on the silo's side, as an overloaded or partitioned network would.</summary>
    private sealed class DropSnapshotPushes : IOutgoingGrainCallFilter
    {
        public volatile bool Enabled;

        public Task Invoke(IOutgoingGrainCallContext context)
            => Enabled && context.InterfaceMethod?.Name == nameof(IRoutingTableObserver.OnSnapshot) ? Task.CompletedTask : context.Invoke();
    }
}
