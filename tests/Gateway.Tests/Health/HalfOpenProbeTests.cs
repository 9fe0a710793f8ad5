using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// Quarantine, half-open probing and backoff, driven by a fake routing clock: when a quarantine
/// ends, exactly one request probes the backend however many arrive at once.
/// </summary>
public sealed class HalfOpenProbeTests
{
    private static async Task<(FakeUpstream Primary, FakeUpstream Secondary, GatewayHost Host)> StartAsync()
    {
        var primary = await FakeUpstream.StartAsync();
        var secondary = await FakeUpstream.StartAsync();
        var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port) + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary")), fakeClock: true);
        return (primary, secondary, host);
    }

    // Three 500s in a row (the default consecutive5xxThreshold), each fallen back from.
    private static async Task QuarantinePrimaryAsync(FakeUpstream primary, GatewayHost host)
    {
        primary.Behavior = Behavior.Status(500);
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.SendAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The shared state (pushed by the Backend grain) shows the quarantine.
        await host.WaitForPlanAsync(p => !p.ByName["primary"].Effective.IsClosed && p.Snapshot.Backends["primary"].State == Grains.Backends.CircuitState.Open);
    }

    [Fact]
    public async Task QuarantineEnds_FiftyConcurrentRequests_ExactlyOneProbe()
    {
        var (primary, secondary, host) = await StartAsync();
        await using var _ = primary;
        await using var __ = secondary;
        await using var ___ = host;
        await QuarantinePrimaryAsync(primary, host);

        primary.ClearRequests();
        primary.Behavior = Behavior.Delay(TimeSpan.FromMilliseconds(500), Behavior.Json());
        host.Clock!.Advance(TimeSpan.FromSeconds(16));

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.SendAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, primary.RequestCount);
        foreach (var r in responses) r.Dispose();

        // The probe succeeded: the circuit is closed for everyone.
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].IsClosed);
        primary.ClearRequests();
        primary.Behavior = Behavior.Json();
        using var next = await host.SendAsync();
        Assert.Equal(1, primary.RequestCount);
    }

    [Fact]
    public async Task FailedProbes_BackOffExponentially()
    {
        var (primary, secondary, host) = await StartAsync();
        await using var _ = primary;
        await using var __ = secondary;
        await using var ___ = host;
        await QuarantinePrimaryAsync(primary, host);
        primary.ClearRequests();

        // Still quarantined inside the first 15 s.
        host.Clock!.Advance(TimeSpan.FromSeconds(14));
        (await host.SendAsync()).Dispose();
        Assert.Equal(0, primary.RequestCount);

        // Window over: one probe, which fails; the next quarantine lasts 30 s.
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        (await host.SendAsync()).Dispose();
        Assert.Equal(1, primary.RequestCount);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].BackoffStep == 1);

        host.Clock.Advance(TimeSpan.FromSeconds(29));
        (await host.SendAsync()).Dispose();
        Assert.Equal(1, primary.RequestCount);

        host.Clock.Advance(TimeSpan.FromSeconds(2));
        primary.Behavior = Behavior.Json();
        (await host.SendAsync()).Dispose();
        Assert.Equal(2, primary.RequestCount);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].IsClosed && p.Snapshot.Backends["primary"].BackoffStep == 0);
    }

    [Fact]
    public async Task NothingEligible_Returns503WithRetryAfterUntilTheQuarantineEnds()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port), RouterYaml.Rule("all", "primary"), "proxy: { panicMode: false }"), fakeClock: true);
        primary.Behavior = Behavior.Status(502);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await host.SendAsync();
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        host.Clock!.Advance(TimeSpan.FromSeconds(5));
        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(10), response.Headers.RetryAfter?.Delta);
        Assert.Equal("no_eligible_backend", (await Chat.ErrorAsync(response)).Code);
    }
}
