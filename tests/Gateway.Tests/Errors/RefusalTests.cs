using System.Net;
using System.Text;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Errors;

/// <summary>
/// What the gateway's own errors tell an SDK: <c>x-should-retry: false</c> for refusals a retry cannot fix,
/// the real remaining quarantine (capped) as <c>Retry-After</c> when nothing is eligible, and bodies whose
/// text stays readable (no <c>\u0022</c>-style escapes).
/// </summary>
public sealed class RefusalTests
{
    private static IEnumerable<string> ShouldRetry(HttpResponseMessage response)
        => response.Headers.TryGetValues("x-should-retry", out var values) ? values : [];

    private static HttpRequestMessage Post(string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Fact]
    public async Task RefusalsARetryCannotFix_SayShouldRetryFalse_OthersSayNothing()
    {
        await using var local = await FakeUpstream.StartAsync();
        await using var cloud = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("local", local.Port) + $$"""
              - name: cloud
                tier: cloud
                external: { provider: openai, url: "{{cloud.BaseAddress.ToString().TrimEnd('/')}}", model: gpt }

            """,
            RouterYaml.Rule("cloudy", "cloud", "{ models: [gpt] }", "failClosed: true") + RouterYaml.Rule("failing", "local", "{ models: [failing] }")),
            settings: new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "1024" });
        local.Behavior = Behavior.Status(500);

        (string Name, HttpRequestMessage Request, HttpStatusCode Status, string Code, bool Final)[] cases =
        [
            ("no route", Post("""{"model":"unrouted"}"""), HttpStatusCode.ServiceUnavailable, "no_route", true),
            ("fail closed", Post("""{"model":"gpt"}""", ("x-llmkube-classification", "pii")), HttpStatusCode.ServiceUnavailable, "fail_closed", true),
            ("invalid json", Post("""{"model":"gpt",}"""), HttpStatusCode.BadRequest, "invalid_json", true),
            ("no model", Post("""{"messages":[]}"""), HttpStatusCode.BadRequest, "missing_model", true),
            ("too large", Post($$"""{"model":"gpt","pad":"{{new string('x', 2000)}}"}"""), HttpStatusCode.RequestEntityTooLarge, "request_too_large", true),
            ("all failed", Post("""{"model":"failing"}"""), HttpStatusCode.BadGateway, "all_backends_failed", false),
        ];
        foreach (var (name, request, status, code, final) in cases)
        {
            using var response = await host.Client.SendAsync(request);
            Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode}");
            Assert.Equal(code, (await Chat.ErrorAsync(response)).Code);
            Assert.True((final ? new[] { "false" } : []).SequenceEqual(ShouldRetry(response)), name);
            request.Dispose();
        }
        Assert.Equal(0, cloud.RequestCount);
    }

    [Fact]
    public async Task NoEligibleBackend_RetryAfterIsTheRemainingQuarantine_CappedAt30Seconds()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", primary.Port), RouterYaml.Rule("all", "primary"),
            "proxy: { quarantineDuration: 5m, consecutive5xxThreshold: 1, panicMode: false }"), fakeClock: true);
        primary.Behavior = Behavior.Status(500);
        using (var failed = await host.SendAsync()) Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        // The grain times the quarantine by the shared fake clock: let it see the failure before the clock moves.
        await host.WaitForPlanAsync(p => p.Snapshot.Backends["primary"].State == CircuitState.Open);

        host.Clock!.Advance(TimeSpan.FromSeconds(10));
        using (var early = await host.SendAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Equal("no_eligible_backend", (await Chat.ErrorAsync(early)).Code);
            Assert.Equal(TimeSpan.FromSeconds(30), early.Headers.RetryAfter?.Delta); // 4 min 50 s left, capped
            Assert.Empty(ShouldRetry(early)); // a retry later may well succeed
        }

        host.Clock.Advance(TimeSpan.FromSeconds(277.5)); // 12.5 s left
        using (var late = await host.SendAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(13), late.Headers.RetryAfter?.Delta); // whole seconds, rounded up
        }

        host.Clock.Advance(TimeSpan.FromSeconds(12));
        using (var last = await host.SendAsync())
        {
            Assert.Equal(TimeSpan.FromSeconds(1), last.Headers.RetryAfter?.Delta); // never 0
        }
        Assert.Equal(1, primary.RequestCount);
    }

    [Fact]
    public async Task ErrorBodies_KeepQuotesAndNonAsciiReadable()
    {
        await using var cloud = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router($$"""
              - name: cloud
                tier: cloud
                external: { provider: openai, url: "{{cloud.BaseAddress.ToString().TrimEnd('/')}}", model: gpt }

            """, RouterYaml.Rule("everything", "cloud", extra: "failClosed: true")));

        using var refused = await host.Client.SendAsync(Post("""{"model":"m"}""", ("x-llmkube-classification", "pii")));
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("sensitive classification \\\"pii\\\" cannot route to cloud-tier backend \\\"cloud\\\"", body);

        using var missing = await host.Client.GetAsync("/v1/models/" + Uri.EscapeDataString("modèle \"<b>\" & 'x'"));
        var text = await missing.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("""the model \"modèle \"<b>\" & 'x'\" does not exist""", text);
        Assert.DoesNotContain("\\u00", body + text);
    }
}
