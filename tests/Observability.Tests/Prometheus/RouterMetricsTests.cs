using System.Net;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Observability.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Prometheus;

/// <summary>
/// A real Prometheus scrapes a real cluster — a silo and a gateway joined through Redis, fake upstreams behind — on
/// their admin ports, and PromQL through its HTTP API tells what happened: requests by outcome, tokens that add up to
/// what the upstream reported, the breaker that opened on a dead backend, a fail-closed refusal.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class RouterMetricsTests(ObservabilityFixture fixture)
{
    private const string PromptUsd = "1000";
    private const string CompletionUsd = "2000";
    private const int StreamChunks = 3;

    [PrometheusFact]
    public async Task AfterTraffic_PromQlShowsOutcomesTokensCostBreakerAndFailClosed_FromGatewayAndSilo()
    {
        var prometheus = fixture.Prometheus;
        var test = "obs" + Guid.NewGuid().ToString("N")[..8];
        var router = $"{test}/chat";
        await using var upstream = await FakeUpstream.StartAsync();
        var resources = Path.Combine(Path.GetTempPath(), $"llmkube-{test}.yaml");
        await File.WriteAllTextAsync(resources, RouterResources(test, upstream.BaseAddress, FakeUpstream.ReserveClosedPort()));
        try
        {
            await using var silo = await SiloHost.StartAsync(fixture.Redis, test, resources);
            await using var gateway = await GatewayHost.JoinAsync(fixture.Redis, test, router);
            await prometheus.ScrapeAsync("gateway", test, gateway.AdminAddress!);
            await prometheus.ScrapeAsync("silo", test, silo.AdminAddress);

            var json = new List<JsonElement>();
            for (var i = 0; i < 3; i++)
            {
                using var response = await gateway.SendAsync("gpt-obs");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                json.Add(JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("usage"));
            }
            for (var i = 0; i < 2; i++)
            {
                upstream.Enqueue(Behavior.Sse(StreamChunks, TimeSpan.Zero));
                using var stream = await gateway.Client.SendAsync(Chat.Request("gpt-obs", stream: true));
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                Assert.Contains("[DONE]", await stream.Content.ReadAsStringAsync());
            }
            // The dead backend refuses the connection: quarantined at once; the next request finds it skipped.
            using (var refused = await gateway.SendAsync("broken")) Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            await Eventually(() => gateway.SendAsync("broken"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
            using (var sensitive = await gateway.SendAsync("private-model", ("x-llmkube-classification", "PII")))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, sensitive.StatusCode);
            using (var dataPlane = await gateway.Client.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.NotFound, dataPlane.StatusCode);

            var r = $"router=\"{router}\", test=\"{test}\"";
            var outcomes = await prometheus.WaitForAsync($"sum by (outcome) (llmkube_router_requests_total{{{r}, job=\"gateway\"}})",
                s => Value(s, "outcome", "ok") == 3 && Value(s, "outcome", "ok_stream") == 2
                     && Value(s, "outcome", "all_backends_failed") >= 2 && Value(s, "outcome", "fail_closed") == 1);
            Assert.Equal(["all_backends_failed", "fail_closed", "ok", "ok_stream"], outcomes.Select(s => s["outcome"]).Order());

            // Tokens: exactly what the upstream reported, JSON bodies and streams (whose usage event the client never saw).
            var input = json.Sum(u => u.GetProperty("prompt_tokens").GetInt64()) + 2 * OpenAiPayloads.StreamPromptTokens;
            var output = json.Sum(u => u.GetProperty("completion_tokens").GetInt64()) + 2 * StreamChunks;
            var tokens = await prometheus.WaitForAsync($"sum by (gen_ai_token_type) (gen_ai_client_token_usage_sum{{{r}}})",
                s => Value(s, "gen_ai_token_type", "input") == input && Value(s, "gen_ai_token_type", "output") == output);
            Assert.Equal(2, tokens.Count);
            var byModel = await prometheus.QueryAsync($"sum by (gen_ai_request_model, backend, rule) (gen_ai_client_token_usage_count{{{r}}})");
            Assert.Equal(("gpt-obs", "good", "chat"), (byModel.Single()["gen_ai_request_model"], byModel.Single()["backend"], byModel.Single()["rule"]));
            var cost = await prometheus.QueryAsync($"sum(llmkube_router_cost_usd_total{{{r}}})");
            Assert.Equal((input * 1000.0 + output * 2000.0) / 1_000_000, Assert.Single(cost).Value, 6);
            var ttft = await prometheus.QueryAsync($"sum(llmkube_router_first_token_seconds_count{{{r}}})");
            Assert.Equal(2, Assert.Single(ttft).Value);

            // The breaker: open on the gateway's gauges, the transition counted once by the silo's Backend grain.
            await prometheus.WaitForAsync($"llmkube_router_circuit_state{{{r}, backend=\"dead\"}}", s => s.Count == 1 && s[0].Value == 2);
            await prometheus.WaitForAsync($"llmkube_router_backend_health{{{r}}}", s => Value(s, "backend", "dead") == 0 && Value(s, "backend", "good") == 1);
            await prometheus.WaitForAsync($"sum(llmkube_router_circuit_transitions_total{{{r}, backend=\"dead\", change=\"opened\", job=\"silo\"}})",
                s => s.Count == 1 && s[0].Value >= 1);
            var attempts = await prometheus.QueryAsync($"sum by (outcome) (llmkube_router_attempts_total{{{r}, backend=\"dead\"}})");
            Assert.Equal(1, Value(attempts, "outcome", "connect_error"));
            Assert.True(Value(attempts, "outcome", "skipped_unhealthy") >= 1);

            var failClosed = await prometheus.QueryAsync($"llmkube_router_fail_closed_total{{{r}}}");
            Assert.Equal(("secret", "pii", 1.0), (failClosed.Single()["rule"], failClosed.Single()["classification"], failClosed.Single().Value));
            var age = await prometheus.QueryAsync($"llmkube_router_snapshot_age_seconds{{{r}}}");
            Assert.InRange(Assert.Single(age).Value, 0, 30);
        }
        finally
        {
            File.Delete(resources);
        }
    }

    private static double Value(IReadOnlyList<Sample> samples, string label, string value)
        => samples.FirstOrDefault(s => s[label] == value)?.Value ?? double.NaN;

    private static async Task Eventually(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done)
        => (await ControlPlane.Tests.Fixtures.Eventually.GetAsync<HttpResponseMessage>(async () => await send(), done, what: "the dead backend skipped")).Dispose();

    // panicMode off: a quarantined backend is skipped, never retried in panic, so the outcomes are exact.
    private static string RouterResources(string ns, Uri upstream, int closedPort) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: chat, namespace: {{ns}} }
        spec:
          proxy: { panicMode: false }
          backends:
          - name: good
            tier: local
            external: { provider: openai, url: "{{upstream.ToString().TrimEnd('/')}}", model: good-model }
            costPerMillionTokens: { promptUSD: "{{PromptUsd}}", completionUSD: "{{CompletionUsd}}" }
          - name: dead
            tier: local
            external: { provider: openai, url: "http://127.0.0.1:{{closedPort}}", model: dead-model }
          - name: cloud
            tier: cloud
            external: { provider: openai, url: "{{upstream.ToString().TrimEnd('/')}}", model: cloud-model }
          rules:
          - name: chat
            match: { models: [gpt-obs] }
            route: { backends: [good] }
          - name: broken
            match: { models: [broken] }
            route: { backends: [dead] }
          - name: secret
            match: { models: [private-model] }
            route: { backends: [cloud] }
            failClosed: true
        """;
}
