using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// Every row of the fallback matrix: what the primary does, whether the request falls back to the
/// secondary, and whether the primary is quarantined (the next request skips it). One 5xx does not
/// quarantine: it takes <c>consecutive5xxThreshold</c> (3) in a row.
/// </summary>
public sealed class FallbackMatrixTests
{
    public enum Failure { Refused, Reset, Status500, Status503, TimeoutBeforeHeaders, RateLimited, RateLimitedRetryAfter, CredentialsMissing }

    [Theory]
    [InlineData(Failure.Refused, "connect_error", true)]
    [InlineData(Failure.Reset, "connect_error", true)]
    [InlineData(Failure.Status500, "upstream_error", false)]
    [InlineData(Failure.Status503, "upstream_error", false)]
    [InlineData(Failure.TimeoutBeforeHeaders, "timeout", false)]
    [InlineData(Failure.RateLimited, "rate_limited", false)]
    [InlineData(Failure.RateLimitedRetryAfter, "rate_limited", true)]
    [InlineData(Failure.CredentialsMissing, "credentials_missing", false)]
    public async Task PrimaryFails_FallsBackToSecondary_QuarantinesOnlyWhenItShould(Failure failure, string attemptOutcome, bool quarantined)
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        var primaryPort = failure == Failure.Refused ? FakeUpstream.ReserveClosedPort() : primary.Port;
        var primaryBackend = failure == Failure.CredentialsMissing
            ? $$"""
                  - name: primary
                    tier: local
                    external: { provider: openai, url: "{{primary.BaseAddress.ToString().TrimEnd('/')}}", model: p, credentialsSecretRef: { name: absent-secret } }

                """
            : RouterYaml.Local("primary", primaryPort);
        var yaml = RouterYaml.Router(
            primaryBackend + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary", extra: "timeout: 400ms"));
        await using var host = await GatewayHost.StartAsync(yaml);

        primary.Behavior = failure switch
        {
            Failure.Reset => Behavior.ResetConnection(),
            Failure.Status500 => Behavior.Status(500, "{\"error\":\"boom\"}"),
            Failure.Status503 => Behavior.Status(503),
            Failure.TimeoutBeforeHeaders => Behavior.StallBeforeHeaders(),
            Failure.RateLimited => Behavior.Status(429),
            Failure.RateLimitedRetryAfter => Behavior.Status(429, retryAfter: TimeSpan.FromSeconds(60)),
            _ => Behavior.Json(),
        };

        using (var first = await host.SendAsync())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.DoesNotContain("boom", await first.Content.ReadAsStringAsync()); // a 5xx body is never relayed
        }
        var audit = (await host.Audit.WaitForAsync(1))[0];
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        Assert.Equal("secondary", audit.GetProperty("backend").GetString());
        var attempts = audit.GetProperty("attempts");
        Assert.Equal(attemptOutcome, attempts[0].GetProperty("outcome").GetString());
        Assert.Equal("ok", attempts[1].GetProperty("outcome").GetString());

        var primaryRequestsBefore = primary.RequestCount;
        using (var second = await host.SendAsync())
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var secondAudit = (await host.Audit.WaitForAsync(2))[1];
        var firstAttempt = secondAudit.GetProperty("attempts")[0].GetProperty("outcome").GetString();
        if (quarantined)
        {
            Assert.Equal("skipped_unhealthy", firstAttempt);
            Assert.Equal(primaryRequestsBefore, primary.RequestCount);
        }
        else
        {
            Assert.Equal(attemptOutcome, firstAttempt);
        }
    }

    [Fact]
    public async Task Primary4xx_IsRelayed_NoFallbackNoQuarantine()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port) + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary")));
        primary.Behavior = Behavior.Status(400, "{\"error\":{\"message\":\"bad prompt\"}}");

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bad prompt", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, secondary.RequestCount);
        primary.Behavior = Behavior.Json();
        using var next = await host.SendAsync();
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, primary.RequestCount);
    }

    [Fact]
    public async Task Last429_IsRelayedWithRetryAfter_AndOpensTheCircuit()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port) + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary"), "proxy: { consecutive5xxThreshold: 1, panicMode: false }"));
        primary.Behavior = Behavior.Status(503);
        secondary.Behavior = Behavior.Status(429, "{\"error\":{\"message\":\"slow down\"}}", TimeSpan.FromSeconds(30));

        using var response = await host.SendAsync();

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Contains("slow down", await response.Content.ReadAsStringAsync());

        // Both are now open: nothing eligible, 503 with a Retry-After bounded by the longest known end.
        using var next = await host.SendAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, next.StatusCode);
        Assert.NotNull(next.Headers.RetryAfter?.Delta);
        Assert.Equal("no_eligible_backend", (await Chat.ErrorAsync(next)).Code);
    }

    [Fact]
    public async Task TimedOutPrimary_FallbackGetsAFreshBudget()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port) + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary", extra: "timeout: 1500ms")));
        primary.Behavior = Behavior.StallBeforeHeaders();
        // Longer than what is left of the first budget, shorter than a fresh one.
        secondary.Behavior = Behavior.Delay(TimeSpan.FromMilliseconds(700), Behavior.Json());

        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = (await host.Audit.WaitForAsync(1))[0];
        Assert.Equal("timeout", audit.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        Assert.Equal(1500, audit.GetProperty("timeoutMs").GetInt32());
        await primary.WaitForAbortAsync(TimeSpan.FromSeconds(5)); // the timed-out attempt was cancelled upstream
    }
}
