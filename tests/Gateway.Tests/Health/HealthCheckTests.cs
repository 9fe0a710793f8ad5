using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// Active health checks against a real upstream, paced by a fake routing clock: failing checks
/// quarantine a backend before any request pays for it, passing ones close its circuit early.
/// </summary>
public sealed class HealthCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static Task<GatewayHost> StartAsync(FakeUpstream upstream, string healthCheck = "healthCheck: { intervalSeconds: 10 }")
        => GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", upstream.Port, healthCheck), RouterYaml.Rule("all", "primary")), fakeClock: true);

    // A round is over once the gateway has logged its verdict.
    private static Task WaitForRoundsAsync(GatewayHost host, int rounds)
        => host.Logs.WaitForAsync(_ => host.Logs.Messages.Count(m => m.Contains("backend primary: health check")) >= rounds);

    [Fact]
    public async Task FailingChecks_QuarantineTheBackend_BeforeAnyRequestIsSentToIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Status(500);
        await using var host = await StartAsync(upstream);

        // The first round runs at once; the next two as the interval passes (failureThreshold 3).
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].CheckFailures == 1);
        host.Clock!.Advance(Interval);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].CheckFailures == 2);
        host.Clock.Advance(Interval);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].State == CircuitState.Open);

        var health = host.Routing.Current!.Snapshot.Backends["primary"];
        Assert.Equal(OpenCause.HealthCheck, health.Cause);
        Assert.Equal("health check /health returned 500", health.LastError);
        Assert.Equal(3, upstream.RequestCount);
        Assert.All(upstream.Requests, r => Assert.Equal(("GET", "/health"), (r.Method, r.Path)));

        using var response = await host.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no_eligible_backend", (await Chat.ErrorAsync(response)).Code);
        Assert.Equal(3, upstream.RequestCount);
    }

    [Fact]
    public async Task PassingCheck_ClosesTheCircuit_BeforeItsQuarantineEnds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(upstream);
        await WaitForRoundsAsync(host, 1);

        // Three 500s in a row from requests open the circuit for 15 s.
        upstream.Behavior = Behavior.Status(500);
        for (var i = 0; i < 3; i++) (await host.SendAsync()).Dispose();
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].State == CircuitState.Open);
        var openUntil = host.Routing.Current!.Snapshot.Backends["primary"].OpenUntil;

        upstream.Behavior = Behavior.Json();
        host.Clock!.Advance(Interval);
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].IsClosed);
        Assert.True(host.Clock.GetUtcNow() < openUntil);
        await host.Logs.WaitForAsync(m => m.Contains("backend default/test/primary: circuit closed: a health check passed"));

        using var response = await host.SendAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Check_GetsTheConfiguredPath_WithTheBackendsCredential()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync($$"""
            apiVersion: v1
            kind: Secret
            metadata: { name: openai, namespace: default }
            stringData:
              OPENAI_API_KEY: sk-health
            ---
            {{RouterYaml.Router($$$"""
                  - name: primary
                    external: { provider: openai, url: "{{{upstream.BaseAddress}}}", model: m, credentialsSecretRef: { name: openai } }
                    healthCheck: { path: /v1/models, intervalSeconds: 30, timeoutSeconds: 5 }
                """, RouterYaml.Rule("all", "primary"))}}
            """, fakeClock: true);

        await upstream.WaitForRequestAsync(1, TimeSpan.FromSeconds(10));
        var check = upstream.Requests[0];
        Assert.Equal(("GET", "/v1/models"), (check.Method, check.Path));
        Assert.Equal("Bearer sk-health", Assert.Single(check.Headers["authorization"]));
    }

    [Fact]
    public async Task BackendWithoutHealthCheck_IsNeverProbed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await StartAsync(upstream, healthCheck: "");
        host.Clock!.Advance(TimeSpan.FromMinutes(5));
        using (var response = await host.SendAsync()) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("POST", Assert.Single(upstream.Requests).Method);
    }
}
