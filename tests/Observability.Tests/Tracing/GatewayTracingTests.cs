using System.Diagnostics;
using System.Net;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Observability.Tests.Fixtures;
using OpenTelemetry.Trace;

namespace LLMKube.Observability.Tests.Tracing;

/// <summary>
/// Spans of a real gateway, received by OpenTelemetry's in-memory exporter: one server span per request (child of the
/// client's <c>traceparent</c>), one child per backend tried or skipped with its rule, tier, depth, outcome and
/// tokens, and each upstream sent the <c>traceparent</c> of its own attempt. In the shared collection: tracing is
/// switched on process-wide while it runs, so no other gateway test may run beside it.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class GatewayTracingTests
{
    [Fact]
    public async Task RequestAndAttemptSpans_CarryTheRoutingFacts_AndEachUpstreamSeesItsAttemptAsParent()
    {
        await using var flaky = await FakeUpstream.StartAsync();
        await using var good = await FakeUpstream.StartAsync();
        flaky.Behavior = Behavior.Status(503);
        var yaml = RouterYaml.Router(
            RouterYaml.Local("dead", FakeUpstream.ReserveClosedPort()) + RouterYaml.Local("flaky", flaky.Port) + RouterYaml.Local("good", good.Port),
            RouterYaml.Rule("chat", "dead, flaky, good"));
        var spans = new List<Activity>();
        await using var host = await GatewayHost.StartAsync(yaml, configure: builder =>
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(GatewayTracing.SourceName).AddInMemoryExporter(spans)));

        // 1. The client's own trace: the gateway's server span joins it.
        var clientTrace = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        using var response = await host.SendAsync("m", ("traceparent", $"00-{clientTrace}-{clientSpan}-01"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = response.Headers.GetValues("x-request-id").Single();

        var trace = await SpansOfAsync(spans, clientTrace, count: 4);
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal(clientSpan, server.ParentSpanId);
        Assert.Equal("POST /v1/chat/completions", server.DisplayName);
        Assert.Equal(("chat", "good", "local", "ok"), (Tag(server, "routing.rule.matched"), Tag(server, "routing.backend.selected"),
            Tag(server, "routing.backend.tier"), Tag(server, "llmkube.outcome")));
        Assert.Equal(requestId, Tag(server, "llmkube.request.id"));
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        Assert.Equal((5L, 6L), ((long)server.GetTagItem("gen_ai.usage.input_tokens")!, (long)server.GetTagItem("gen_ai.usage.output_tokens")!));
        Assert.Equal(ActivityStatusCode.Unset, server.Status);

        var attempts = trace.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => (int)s.GetTagItem("routing.fallback.depth")!).ToList();
        Assert.All(attempts, a => Assert.Equal(server.SpanId, a.ParentSpanId));
        Assert.Equal(["dead", "flaky", "good"], attempts.Select(a => Tag(a, "routing.backend.selected")));
        Assert.Equal(["connect_error", "upstream_error", "ok"], attempts.Select(a => Tag(a, "llmkube.outcome")));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Error, ActivityStatusCode.Unset], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal(("chat", "local", "openai"), (Tag(a, "routing.rule.matched"), Tag(a, "routing.backend.tier"), Tag(a, "gen_ai.provider.name"))));
        Assert.Equal(503, attempts[1].GetTagItem("http.response.status_code"));
        Assert.Equal(5L, attempts[2].GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal("chat good-model", attempts[2].DisplayName);
        // W3C trace context: each upstream's parent is the attempt that called it, in the client's trace.
        Assert.Equal($"00-{clientTrace}-{attempts[1].SpanId}-01", flaky.Requests.Single().Header("traceparent"));
        Assert.Equal($"00-{clientTrace}-{attempts[2].SpanId}-01", good.Requests.Single().Header("traceparent"));

        // 2. No trace from the client: a new one starts at the gateway; the quarantined backend's span says it was skipped.
        using var second = await host.SendAsync("m");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var upstreamParent = good.Requests[^1].Header("traceparent")!;
        var newTrace = ActivityTraceId.CreateFromString(upstreamParent.Split('-')[1]);
        Assert.NotEqual(clientTrace, newTrace);
        var next = await SpansOfAsync(spans, newTrace, count: 4);
        var root = Assert.Single(next, s => s.Kind == ActivityKind.Server);
        Assert.Equal(default, root.ParentSpanId);
        var skipped = Assert.Single(next, s => Tag(s, "routing.backend.selected") == "dead");
        Assert.Equal(("skipped_unhealthy", 0), (Tag(skipped, "llmkube.outcome"), (int)skipped.GetTagItem("routing.fallback.depth")!));
        Assert.Equal(root.SpanId, skipped.ParentSpanId);
        Assert.Equal($"00-{newTrace}-{Assert.Single(next, s => s.Kind == ActivityKind.Client && Tag(s, "routing.backend.selected") == "good").SpanId}-01", upstreamParent);
    }

    // A span is exported when it stops, which for the server span is just after the response is complete.
    private static async Task<IReadOnlyList<Activity>> SpansOfAsync(List<Activity> spans, ActivityTraceId trace, int count)
        => await Eventually.GetAsync<IReadOnlyList<Activity>>(() =>
        {
            lock (spans) return Task.FromResult<IReadOnlyList<Activity>?>([.. spans.Where(s => s.TraceId == trace)]);
        }, s => s.Count == count, what: $"{count} spans of trace {trace}");

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) as string;
}
