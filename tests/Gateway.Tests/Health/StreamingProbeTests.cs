using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// A half-open probe that is a stream proves the backend works at its first byte: the circuit closes for
/// everyone then, not when the stream ends. A stream that broke before any byte of the upstream's proves
/// nothing: the error event the gateway writes at the cut does not count.
/// </summary>
public sealed class StreamingProbeTests
{
    // Bounds a failing wait only; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    private const string StreamBody = """{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>One backend, no panic mode, quarantined by one 500; the fake clock then ends its quarantine.</summary>
    private static async Task<(FakeUpstream Primary, GatewayHost Host)> StartHalfOpenAsync()
    {
        var primary = await FakeUpstream.StartAsync();
        var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port), RouterYaml.Rule("all", "primary"),
            "proxy: { consecutive5xxThreshold: 1, panicMode: false }"), fakeClock: true);
        primary.Behavior = Behavior.Status(500);
        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        using (var refused = await host.SendAsync()) Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        host.Clock!.Advance(TimeSpan.FromSeconds(16));
        primary.ClearRequests();
        primary.Behavior = Behavior.Json();
        return (primary, host);
    }

    private static HttpRequestMessage Stream() => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(StreamBody, System.Text.Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task ProbeStreamStillRunning_OtherRequestsAreServed_TheCircuitClosedAtItsFirstByte()
    {
        var (primary, host) = await StartHalfOpenAsync();
        await using var _ = primary;
        await using var __ = host;
        primary.Enqueue(Behavior.StallMidStream(1));
        using var timeout = new CancellationTokenSource(_patience);

        using var probe = await host.Client.SendAsync(Stream(), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await probe.Content.ReadAsStreamAsync(timeout.Token));
        var first = await reader.ReadLineAsync(timeout.Token);
        Assert.StartsWith("data: ", first);

        // The probe's stream has not ended (the upstream stalls), yet the circuit is closed for everyone.
        Assert.True(host.Routing.Current!.ByName["primary"].Effective.IsClosed);
        using (var other = await host.SendAsync())
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        using (var otherStream = await host.Client.SendAsync(Stream(), timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, otherStream.StatusCode);
        }
        Assert.Equal(3, primary.RequestCount);
        Assert.Equal(0, primary.AbortedRequests);
    }

    [Fact]
    public async Task ProbeStreamBrokenBeforeAnyUpstreamByte_IsAFailedProbe_TheBackoffGrows()
    {
        var (primary, host) = await StartHalfOpenAsync();
        await using var _ = primary;
        await using var __ = host;
        primary.Enqueue(Behavior.ResetMidStream(0));

        using var probe = await host.Client.SendAsync(Stream());
        var body = await probe.Content.ReadAsStringAsync();

        // The client got headers and the gateway's error event, nothing from the upstream.
        Assert.StartsWith("\nevent: error", body);
        Assert.Contains("upstream_stream_error", body);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].BackoffStep == 1, _patience);
        var health = host.Routing.Current!.ByName["primary"].Effective;
        Assert.False(health.IsClosed);
        Assert.Equal(1, health.BackoffStep);

        // The next quarantine is the doubled one: still refused 29 s later.
        host.Clock!.Advance(TimeSpan.FromSeconds(29));
        using var refused = await host.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, primary.RequestCount);
    }
}
