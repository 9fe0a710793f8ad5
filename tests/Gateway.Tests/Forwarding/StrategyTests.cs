using System.Net;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// The <c>weighted</c> and <c>shadow</c> strategies: weighted
/// draws the first candidate by weight and still falls back; shadow answers from the primary and sends
/// a background copy to the shadow backend that can never delay or fail the client.
/// </summary>
public sealed class StrategyTests
{
    // Bounds a failing wait only; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    private static string Resources(FakeUpstream first, FakeUpstream second, string strategy, int firstWeight = 1, int secondWeight = 1) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: svc-a, namespace: team }
        spec:
          modelRef: m
          endpoint: { port: {{first.Port}} }
        ---
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: svc-b, namespace: team }
        spec:
          modelRef: m
          endpoint: { port: {{second.Port}} }
        ---
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: edge, namespace: team }
        spec:
          backends:
          - name: a
            inferenceServiceRef: { name: svc-a }
            weight: {{firstWeight}}
          - name: b
            inferenceServiceRef: { name: svc-b }
            weight: {{secondWeight}}
          rules:
          - name: spread
            route: { strategy: {{strategy}}, backends: [a, b] }
        """;

    [Fact]
    public async Task Weighted_ThreeToOne_SplitsTrafficByWeight()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Resources(a, b, "weighted", firstWeight: 3, secondWeight: 1));

        const int total = 2000;
        const int concurrency = 16;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = 0; i < total / concurrency; i++)
            {
                using var response = await host.Client.SendAsync(Post());
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref failures);
            }
        }));

        Assert.Equal(0, failures);
        Assert.Equal(total, a.RequestCount + b.RequestCount);
        // Binomial(2000, 0.75): one standard deviation is about 1 %, so ±5 % is five of them.
        var share = (double)a.RequestCount / total;
        Assert.InRange(share, 0.70, 0.80);

        var audit = await host.Audit.WaitForAsync(total, _patience);
        Assert.All(audit, l => Assert.Equal(1, l.GetProperty("attempts").GetArrayLength()));
        Assert.Equal(a.RequestCount, audit.Count(l => l.GetProperty("backend").GetString() == "a"));
    }

    [Fact]
    public async Task Weighted_WeightZeroBackend_GetsNoFirstChoiceTraffic_ButStillServesAsFallback()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Resources(a, b, "weighted", firstWeight: 0, secondWeight: 1));

        for (var i = 0; i < 100; i++)
        {
            using var response = await host.Client.SendAsync(Post());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(0, a.RequestCount);
        Assert.Equal(100, b.RequestCount);

        // The weight only governs the draw: when b fails, the weight-0 backend is the fallback.
        b.Behavior = Behavior.Status(500);
        using (var response = await host.Client.SendAsync(Post()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(1, a.RequestCount);
        var last = await host.Audit.WaitForAsync(101, _patience);
        var attempts = last[^1].GetProperty("attempts");
        Assert.Equal(new string?[] { "b", "a" }, attempts.EnumerateArray().Select(x => x.GetProperty("backend").GetString()));
        Assert.Equal("upstream_error", attempts[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Weighted_DrawnBackendFails_FallsBackToTheOther()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        a.Behavior = Behavior.Status(503);
        await using var host = await GatewayHost.StartAsync(Resources(a, b, "weighted"));

        // Each request draws a with probability 1/2 until a first fails (then it is quarantined).
        JsonElement? drewA = null;
        for (var i = 1; i <= 60 && drewA is null; i++)
        {
            using var response = await host.Client.SendAsync(Post());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var line = (await host.Audit.WaitForAsync(i, _patience))[^1];
            if (line.GetProperty("attempts")[0].GetProperty("backend").GetString() == "a") drewA = line;
        }

        Assert.NotNull(drewA);
        var audit = drewA.Value;
        Assert.Equal("b", audit.GetProperty("backend").GetString());
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        var attempts = audit.GetProperty("attempts");
        Assert.Equal(2, attempts.GetArrayLength());
        Assert.Equal("upstream_error", attempts[0].GetProperty("outcome").GetString());
        Assert.Equal(503, attempts[0].GetProperty("status").GetInt32());
        Assert.Equal("b", attempts[1].GetProperty("backend").GetString());
        Assert.Equal(1, a.RequestCount);
    }

    [Fact]
    public async Task Shadow_ClientAnsweredByPrimary_WhileStalledShadowGetsTheSameRequest()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var shadow = await FakeUpstream.StartAsync();
        shadow.Behavior = Behavior.StallBeforeHeaders();
        await using var host = await GatewayHost.StartAsync(Resources(primary, shadow, "shadow"));

        const string body = """{"model":"qwen3","messages":[{"role":"user","content":"mirror me"}],"temperature":0.2}""";
        using var request = Post(body);
        request.Headers.Add("x-trace-me", "42");
        request.Headers.Authorization = new("Bearer", "sk-client-key");
        using var response = await host.Client.SendAsync(request);

        // The shadow never answers, so the client's answer cannot have waited for it.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("qwen3", json.RootElement.GetProperty("model").GetString());
        }
        Assert.Equal(1, primary.RequestCount);

        await shadow.WaitForRequestAsync(1, _patience);
        var copy = shadow.Requests[0];
        var original = primary.Requests[0];
        Assert.Equal("/v1/chat/completions", copy.Path);
        Assert.Equal(body, copy.BodyText);
        Assert.Equal(original.BodyText, copy.BodyText);
        Assert.Equal("qwen3", JsonDocument.Parse(copy.Body).RootElement.GetProperty("model").GetString());
        Assert.Equal("42", copy.Header("x-trace-me"));
        Assert.Null(copy.Header("authorization"));

        var audit = await host.Audit.WaitForRequestAsync(l => l.GetProperty("outcome").GetString() != "", _patience);
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        Assert.Equal("a", audit.GetProperty("backend").GetString());
        Assert.Equal("b", audit.GetProperty("shadow").GetString());
        var attempt = Assert.Single(audit.GetProperty("attempts").EnumerateArray());
        Assert.Equal("a", attempt.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Shadow_ThatResets_NeverFailsTheClient()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var shadow = await FakeUpstream.StartAsync();
        shadow.Behavior = Behavior.ResetConnection();
        await using var host = await GatewayHost.StartAsync(Resources(primary, shadow, "shadow"));

        const int requests = 5;
        for (var i = 0; i < requests; i++)
        {
            using var response = await host.Client.SendAsync(Post());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(requests, primary.RequestCount);
        await shadow.WaitForRequestAsync(1, _patience);
        var audit = await host.Audit.WaitForAsync(requests, _patience);
        Assert.All(audit, l =>
        {
            Assert.Equal("ok", l.GetProperty("outcome").GetString());
            Assert.Equal("a", l.GetProperty("backend").GetString());
            Assert.Single(l.GetProperty("attempts").EnumerateArray());
        });
        // The first copy was sent (the shadow was healthy then); later ones may be skipped once it is quarantined.
        Assert.Equal("b", audit[0].GetProperty("shadow").GetString());
    }

    private static HttpRequestMessage Post(string body = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""") =>
        new(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
