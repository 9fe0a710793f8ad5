using System.Net;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// Stream relaying through the real gateway: SSE is passed through chunk by chunk, never buffered;
/// a stream the gateway cuts (idle, duration) or the upstream breaks ends with an SSE <c>error</c>
/// event; a client leaving mid-stream cancels the upstream request without quarantining the backend.
/// </summary>
public sealed class StreamingTests
{
    // Bounds a failing wait only; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    private const string StreamBody = """{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private const string PlainBody = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";

    private static string Resources(FakeUpstream upstream, string proxy = "{}") => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: svc, namespace: team }
        spec:
          modelRef: m
          endpoint: { port: {{upstream.Port}} }
        ---
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: edge, namespace: team }
        spec:
          proxy: {{proxy}}
          backends:
          - name: local
            inferenceServiceRef: { name: svc }
          defaultRoute: local
        """;

    [Fact]
    public async Task Sse_IsRelayedChunkByChunk_WithoutWaitingForTheEnd()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallMidStream(2);
        await using var host = await GatewayHost.StartAsync(Resources(upstream));
        using var client = NoDrainClient(host);
        using var timeout = new CancellationTokenSource(_patience);

        using var response = await client.SendAsync(Post(StreamBody), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        // The upstream never finishes: both chunks can only arrive if the gateway flushes each one.
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<string>();
        while (events.Count < 2)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(line["data: ".Length..]);
        }

        for (var i = 0; i < 2; i++)
        {
            using var chunk = JsonDocument.Parse(events[i]);
            Assert.Equal("chat.completion.chunk", chunk.RootElement.GetProperty("object").GetString());
            Assert.Equal($"token{i} ", chunk.RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task SseWithoutCacheControl_GetsNoCache_AndUpstreamCacheControlIsKept()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Resources(upstream));
        const string events = "data: {\"a\":1}\n\ndata: [DONE]\n\n";

        // SSE by content type (the client did not ask for a stream), no Cache-Control upstream.
        upstream.Enqueue(Behavior.Json(200, events, new Dictionary<string, string> { ["Content-Type"] = "text/event-stream" }));
        using (var response = await host.Client.SendAsync(Post(PlainBody)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            Assert.Equal(events, await response.Content.ReadAsStringAsync());
        }

        // The client asked for a stream; the upstream answered JSON without Cache-Control.
        upstream.Enqueue(Behavior.Json());
        using (var response = await host.Client.SendAsync(Post(StreamBody)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        }

        // The upstream's own Cache-Control is relayed, not overridden.
        upstream.Enqueue(Behavior.Json(200, events, new Dictionary<string, string>
        {
            ["Content-Type"] = "text/event-stream",
            ["Cache-Control"] = "no-store",
        }));
        using (var response = await host.Client.SendAsync(Post(StreamBody)))
        {
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }

        // A plain JSON answer to a non-stream request gets no Cache-Control from the gateway.
        upstream.Enqueue(Behavior.Json());
        using (var response = await host.Client.SendAsync(Post(PlainBody)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Headers.CacheControl);
        }
    }

    [Fact]
    public async Task ClientDisconnectMidStream_AbortsUpstream_AuditsClientCanceled_AndDoesNotQuarantine()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Enqueue(Behavior.StallMidStream(1));
        await using var host = await GatewayHost.StartAsync(Resources(upstream));
        using var client = NoDrainClient(host);
        using var timeout = new CancellationTokenSource(_patience);

        var response = await client.SendAsync(Post(StreamBody), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        string? line;
        do line = await reader.ReadLineAsync(timeout.Token);
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));
        Assert.NotNull(line);
        reader.Dispose();
        response.Dispose();

        await upstream.WaitForAbortAsync(_patience);
        var audit = await host.Audit.WaitForRequestAsync(l => l.GetProperty("outcome").GetString() == "client_canceled", _patience);
        Assert.Equal("local", audit.GetProperty("backend").GetString());
        Assert.True(audit.GetProperty("stream").GetBoolean());

        // Not quarantined: the sole backend still gets the next request (a quarantined one would mean 503).
        using var next = await host.Client.SendAsync(Post(PlainBody));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, upstream.RequestCount);
    }

    [Fact]
    public async Task StreamIdleTimeout_EndsWithSseErrorEvent_AndAbortsUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallMidStream(1);
        await using var host = await GatewayHost.StartAsync(Resources(upstream, "{ streamIdleTimeout: 300ms }"));

        var (status, text) = await StreamToEndAsync(host.Client, StreamBody);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, CountDataChunks(text));
        var error = ErrorEvent(text);
        Assert.Equal("stream_idle_timeout", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.True(text.IndexOf("token0", StringComparison.Ordinal) < text.IndexOf("event: error", StringComparison.Ordinal));

        await upstream.WaitForAbortAsync(_patience);
        var audit = await host.Audit.WaitForRequestAsync(l => l.GetProperty("outcome").GetString() != "", _patience);
        Assert.Equal("stream_idle_timeout", audit.GetProperty("outcome").GetString());
        Assert.Equal(200, audit.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task MaxStreamDuration_EndsWithSseErrorEvent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Sse(400, TimeSpan.FromMilliseconds(7)); // at least 2.8 s in all
        await using var host = await GatewayHost.StartAsync(Resources(upstream, "{ maxStreamDuration: 100ms }"));

        // A few streams: the cut must be reported as a duration cut however the last read lines up with it.
        const int streams = 8;
        for (var i = 0; i < streams; i++)
        {
            var (status, text) = await StreamToEndAsync(host.Client, StreamBody);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.InRange(CountDataChunks(text), 0, 399);
            Assert.DoesNotContain("[DONE]", text);
            Assert.Equal("stream_duration_exceeded", ErrorEvent(text).GetProperty("code").GetString());
            await upstream.WaitForAbortAsync(_patience);
        }

        var audit = await host.Audit.WaitForAsync(streams, _patience);
        Assert.All(audit, l => Assert.Equal("stream_duration_exceeded", l.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task UpstreamResetMidStream_EndsWithUpstreamStreamErrorEvent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.ResetMidStream(2);
        await using var host = await GatewayHost.StartAsync(Resources(upstream));

        var (status, text) = await StreamToEndAsync(host.Client, StreamBody);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, CountDataChunks(text));
        Assert.Contains("token1", text);
        Assert.Equal("upstream_stream_error", ErrorEvent(text).GetProperty("code").GetString());

        var audit = await host.Audit.WaitForRequestAsync(l => l.GetProperty("outcome").GetString() != "", _patience);
        Assert.Equal("stream_upstream_error", audit.GetProperty("outcome").GetString());
        Assert.Equal("local", audit.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task MalformedSse_IsRelayedVerbatim()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.MalformedSse();
        await using var host = await GatewayHost.StartAsync(Resources(upstream));

        var (status, text) = await StreamToEndAsync(host.Client, StreamBody);

        Assert.Equal(HttpStatusCode.OK, status);
        const string expected = "this is not an event\n\n"
            + "data: {\"id\":\"chatcmpl-fake\",\"choices\":[{\"delta\":\n\n"
            + "event without a colon\ndata\n\n"
            + "data: \u0001\u0002 not json at all }\n\n";
        Assert.Equal(expected, text);

        var audit = await host.Audit.WaitForRequestAsync(l => l.GetProperty("outcome").GetString() != "", _patience);
        Assert.Equal("ok_stream", audit.GetProperty("outcome").GetString());
        Assert.Equal(200, audit.GetProperty("status").GetInt32());
    }

    /// <summary>A client that closes its connection when a response is disposed unread, as a client that gives up does.</summary>
    private static HttpClient NoDrainClient(GatewayHost host) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = host.BaseAddress };

    private static HttpRequestMessage Post(string body) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    private static async Task<(HttpStatusCode Status, string Text)> StreamToEndAsync(HttpClient client, string body)
    {
        using var timeout = new CancellationTokenSource(_patience);
        using var response = await client.SendAsync(Post(body), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        return (response.StatusCode, text);
    }

    private static int CountDataChunks(string text) => text.Split('\n')
        .Count(l => l.StartsWith("data: {", StringComparison.Ordinal) && l.Contains("chat.completion.chunk", StringComparison.Ordinal));

    /// <summary>The <c>error</c> object of the stream's single <c>event: error</c>, which must be its last event.</summary>
    private static JsonElement ErrorEvent(string text)
    {
        var marker = "event: error\ndata: ";
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no error event in:\n{text}");
        Assert.Equal(at, text.LastIndexOf(marker, StringComparison.Ordinal));
        var start = at + marker.Length;
        var end = text.IndexOf('\n', start);
        Assert.True(end > start, "the error event's data line is not terminated");
        Assert.Equal("\n\n", text[end..]);
        using var document = JsonDocument.Parse(text[start..end]);
        return document.RootElement.GetProperty("error").Clone();
    }
}
