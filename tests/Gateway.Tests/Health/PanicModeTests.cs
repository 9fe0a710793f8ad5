using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// Panic mode: when every candidate of a rule that is not fail-closed is quarantined by failed requests,
/// the one that failed longest ago is tried anyway rather than refusing everyone. Never for a fail-closed
/// rule, never past a failing health check or a 429's Retry-After, and not when <c>panicMode: false</c>.
/// </summary>
public sealed class PanicModeTests
{
    [Fact]
    public async Task OnlyBackendQuarantined_IsTriedAnyway_AndAnswersWhenItRecovered()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("only", upstream.Port), RouterYaml.Rule("all", "only"), "proxy: { consecutive5xxThreshold: 1 }"));
        upstream.Enqueue(Behavior.Status(500));
        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"].State == CircuitState.Open);

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.RequestCount);
        var line = await host.Audit.WaitForRequestAsync(l => l.GetProperty("attempts").EnumerateArray().Any(a => a.TryGetProperty("panic", out _)));
        var attempt = line.GetProperty("attempts").EnumerateArray().Last();
        Assert.True(attempt.GetProperty("panic").GetBoolean());
        Assert.Equal("only", attempt.GetProperty("backend").GetString());
        Assert.Equal(200, attempt.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task LeastRecentlyFailed_IsTheOneTried()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("first", first.Port) + RouterYaml.Local("second", second.Port),
            RouterYaml.Rule("all", "first, second"), "proxy: { consecutive5xxThreshold: 1 }"), fakeClock: true);
        // "first" fails (the request falls back to "second"), a second later "second" fails too.
        first.Behavior = Behavior.Status(500);
        second.Enqueue(Behavior.Json());
        second.Enqueue(Behavior.Status(500));
        using (var fellBack = await host.SendAsync()) Assert.Equal(HttpStatusCode.OK, fellBack.StatusCode);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["first"].State == CircuitState.Open);
        host.Clock!.Advance(TimeSpan.FromSeconds(1));
        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends.Values.All(h => h.State == CircuitState.Open));
        first.Behavior = Behavior.Json();
        first.ClearRequests();
        second.ClearRequests();

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, first.RequestCount);
        Assert.Equal(0, second.RequestCount);
    }

    [Fact]
    public async Task FailClosedRule_NeverPanics()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("only", upstream.Port),
            RouterYaml.Rule("pii", "only", "{ dataClassification: [pii] }", "failClosed: true"), "proxy: { consecutive5xxThreshold: 1 }"));
        upstream.Behavior = Behavior.Status(500);
        var pii = ("x-llmkube-classification", "pii");
        using (var failed = await host.SendAsync("m", pii)) Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"].State == CircuitState.Open);

        using var refused = await host.SendAsync("m", pii);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("fail_closed", (await Chat.ErrorAsync(refused)).Code);
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task RateLimitedBackend_IsLeftAlone()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("only", upstream.Port), RouterYaml.Rule("all", "only")));
        upstream.Behavior = Behavior.Status(429, "{\"error\":{\"message\":\"slow down\"}}", TimeSpan.FromSeconds(30));
        using (var limited = await host.SendAsync()) Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"].Cause == OpenCause.RateLimited);

        using var refused = await host.SendAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task PanicModeOff_RefusesWithRetryAfter()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("only", upstream.Port), RouterYaml.Rule("all", "only"), "proxy: { consecutive5xxThreshold: 1, panicMode: false }"));
        upstream.Behavior = Behavior.Status(500);
        (await host.SendAsync()).Dispose();
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["only"].State == CircuitState.Open);

        using var refused = await host.SendAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(1, upstream.RequestCount);
    }
}
