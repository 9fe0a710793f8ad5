using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// Upstream 5xx open a circuit only after <c>consecutive5xxThreshold</c> in a row: one bad answer on a
/// one-backend route no longer takes it out for everyone. Connect errors still open it at once.
/// Panic mode is off here, so a quarantine shows as a refusal (<see cref="PanicModeTests"/> covers it).
/// </summary>
public sealed class ConsecutiveServerErrorTests
{
    private static Task<GatewayHost> StartAsync(int port, string proxy = "proxy: { panicMode: false }")
        => GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("only", port), RouterYaml.Rule("all", "only"), proxy));

    [Fact]
    public async Task OneServerError_OnAOneBackendRoute_DoesNotQuarantineIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(upstream.Port);
        upstream.Enqueue(Behavior.Status(500));

        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        using (var next = await host.SendAsync()) Assert.Equal(HttpStatusCode.OK, next.StatusCode);

        Assert.Equal(2, upstream.RequestCount);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"] is { IsClosed: true, Consecutive5xx: 0, Transitions: > 0 });
    }

    [Fact]
    public async Task ThreeInARow_Quarantine_ASuccessBetweenResetsTheCount()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(upstream.Port);
        foreach (var status in new[] { 500, 502, 200, 503, 500 }) upstream.Enqueue(status == 200 ? Behavior.Json() : Behavior.Status(status));
        for (var i = 0; i < 5; i++) (await host.SendAsync()).Dispose();
        Assert.True(host.Routing.Current!.ByName["only"].Effective.IsClosed);
        Assert.Equal(2, host.Routing.Current.ByName["only"].Effective.Consecutive5xx);

        upstream.Behavior = Behavior.Status(500);
        (await host.SendAsync()).Dispose();
        using var refused = await host.SendAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(6, upstream.RequestCount);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"] is { State: CircuitState.Open, Cause: OpenCause.ServerErrors });
    }

    [Fact]
    public async Task ThresholdOfOne_RestoresQuarantineOnTheFirst5xx()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(upstream.Port, "proxy: { consecutive5xxThreshold: 1, panicMode: false }");
        upstream.Behavior = Behavior.Status(500);
        (await host.SendAsync()).Dispose();
        using var refused = await host.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task ConnectError_StillQuarantinesAtOnce()
    {
        await using var host = await StartAsync(FakeUpstream.ReserveClosedPort());
        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        using var refused = await host.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }
}
