using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Self-tests of <see cref="FakeUpstream"/> through a plain <see cref="HttpClient"/>.</summary>
public sealed class FakeUpstreamTests
{
    // Only bounds a failing wait; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Json_Default_EchoesRequestModelAsChatCompletion()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "llama-3-8b");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("chat.completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("llama-3-8b", json.RootElement.GetProperty("model").GetString());
        Assert.Equal("assistant", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Json_CustomStatusBodyAndHeaders_AreSent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Json(201, """{"ok":true}""", new Dictionary<string, string> { ["x-upstream"] = "a" });
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""{"ok":true}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("a", Assert.Single(response.Headers.GetValues("x-upstream")));
    }

    [Fact]
    public async Task Status_WithRetryAfter_SendsStatusBodyAndSeconds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Status(429, """{"error":{"message":"slow down"}}""", TimeSpan.FromSeconds(2.5));
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Contains("slow down", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Status_WithoutBody_SendsEmptyContentAndNoRetryAfter()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Status(503);
        using var client = NewClient(upstream);

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Sse_StreamsChunksEchoingModelThenDone()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Sse(chunks: 4, interval: TimeSpan.FromMilliseconds(5));
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "qwen", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadAllEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(5, events.Count);
        Assert.Equal("[DONE]", events[^1]);
        foreach (var data in events[..^1])
        {
            using var chunk = JsonDocument.Parse(data);
            Assert.Equal("chat.completion.chunk", chunk.RootElement.GetProperty("object").GetString());
            Assert.Equal("qwen", chunk.RootElement.GetProperty("model").GetString());
        }
    }

    [Fact]
    public async Task Sse_WithoutDone_EndsAfterChunks()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Sse(chunks: 2, interval: TimeSpan.Zero, includeDone: false);
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadAllEventsAsync(response);

        Assert.Equal(2, events.Count);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Sse_AskedForUsage_EndsWithTheUsageOnlyChunk_AndChunksCarryUsageNull()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Sse(chunks: 3, interval: TimeSpan.Zero);
        using var client = NewClient(upstream);

        using var asked = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""", Encoding.UTF8, "application/json"));
        var events = await ReadAllEventsAsync(asked);
        using var notAsked = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"m","stream":true,"stream_options":{"include_usage":false}}""", Encoding.UTF8, "application/json"));
        var plain = await ReadAllEventsAsync(notAsked);

        Assert.Equal(5, events.Count);
        Assert.All(events[..3], e => Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(e).RootElement.GetProperty("usage").ValueKind));
        using var usage = JsonDocument.Parse(events[3]);
        Assert.Equal(0, usage.RootElement.GetProperty("choices").GetArrayLength());
        Assert.Equal(OpenAiPayloads.StreamPromptTokens, usage.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(3, usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(OpenAiPayloads.StreamPromptTokens + 3, usage.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(4, plain.Count);
        Assert.All(plain[..3], e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task Raw_WritesThePiecesAsGiven()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Raw(["data: {\"a\":", "1}\r\n\r\n", ": c\n\n"]);
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: {\"a\":1}\r\n\r\n: c\n\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sse_FlushesEachChunk_BeforeTheNextIsDue()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Sse(chunks: 2, interval: TimeSpan.FromMinutes(1));
        using var client = NewClient(upstream);

        using (var response = await PostChatAsync(client, "m", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await ReadEventAsync(reader);

            Assert.Contains("token0", first);
        }

        // Leaving during the one-minute gap is a client abort the fake must notice.
        await upstream.WaitForAbortAsync(_patience);
    }

    [Fact]
    public async Task StallBeforeHeaders_ClientTimeoutElapses_ThrowsTaskCanceled()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallBeforeHeaders();
        using var client = NewClient(upstream, TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => PostChatAsync(client, "m"));

        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task StallBeforeHeaders_ClientCancels_UpstreamSeesAbort()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallBeforeHeaders();
        using var client = NewClient(upstream);
        using var cancellation = new CancellationTokenSource();

        // Cancel only once the request is in, so the abort is observed on a running behavior.
        var sending = PostChatAsync(client, "m", cancellationToken: cancellation.Token);
        await upstream.WaitForRequestAsync(1, _patience);
        await cancellation.CancelAsync();

        await Assert.ThrowsAsync<TaskCanceledException>(() => sending);
        await upstream.WaitForAbortAsync(_patience);
        Assert.Equal(1, upstream.AbortedRequests);
    }

    [Fact]
    public async Task StallBeforeHeaders_WithDuration_ResetsAfterwardsWithoutCountingAnAbort()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallBeforeHeaders(TimeSpan.FromMilliseconds(50));
        using var client = NewClient(upstream);

        await Assert.ThrowsAsync<HttpRequestException>(() => PostChatAsync(client, "m"));

        Assert.Equal(0, upstream.AbortedRequests);
    }

    [Fact]
    public async Task StallMidStream_ClientLeaves_UpstreamSeesAbort()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.StallMidStream(chunksBeforeStall: 3);
        using var client = NewClient(upstream);

        using (var response = await PostChatAsync(client, "m", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (var i = 0; i < 3; i++)
            {
                Assert.Contains($"token{i}", await ReadEventAsync(reader));
            }

            Assert.Equal(0, upstream.AbortedRequests);
        }

        await upstream.WaitForAbortAsync(_patience);
        Assert.Equal(1, upstream.AbortedRequests);
    }

    [Fact]
    public async Task ResetConnection_ThrowsHttpRequestException_WithoutCountingAnAbort()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.ResetConnection();
        using var client = NewClient(upstream);

        await Assert.ThrowsAsync<HttpRequestException>(() => PostChatAsync(client, "m"));

        Assert.Equal(1, upstream.RequestCount);
        Assert.Equal(0, upstream.AbortedRequests);
    }

    [Fact]
    public async Task ResetMidStream_DeliversChunksThenFailsTheRead()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.ResetMidStream(chunksBefore: 2);
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Contains("token0", await ReadEventAsync(reader));
        Assert.Contains("token1", await ReadEventAsync(reader));
        await Assert.ThrowsAnyAsync<IOException>(() => reader.ReadToEndAsync());
        Assert.Equal(0, upstream.AbortedRequests);
    }

    [Fact]
    public async Task MalformedSse_SendsEventStreamOfGarbageAndEnds()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.MalformedSse();
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("this is not an event", text);
        Assert.DoesNotContain("[DONE]", text);
    }

    [Fact]
    public async Task Delay_ThenBehavior_AnswersAsTheInnerBehavior()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = Behavior.Delay(TimeSpan.FromMilliseconds(20), Behavior.Status(502));
        using var client = NewClient(upstream);

        using var response = await PostChatAsync(client, "m");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Enqueue_IsConsumedFirstInFirstOut_ThenDefaultApplies()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Enqueue(Behavior.Status(500));
        upstream.Enqueue(Behavior.Status(429));
        upstream.Behavior = Behavior.Status(204);
        using var client = NewClient(upstream);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostChatAsync(client, "m");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.InternalServerError, HttpStatusCode.TooManyRequests, HttpStatusCode.NoContent, HttpStatusCode.NoContent],
            statuses);
    }

    [Fact]
    public async Task Requests_RecordMethodPathQueryHeadersAndBody()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var client = NewClient(upstream);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions?api-version=2")
        {
            Content = new StringContent("""{"model":"m"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer sk-test");
        request.Headers.Add("X-Trace", ["one", "two"]);

        using var response = await client.SendAsync(request);

        var recorded = Assert.Single(upstream.Requests);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("?api-version=2", recorded.Query);
        Assert.Equal("Bearer sk-test", recorded.Header("authorization"));
        Assert.Equal(["one", "two"], recorded.Headers["x-trace"].SelectMany(value => value.Split(", ")));
        Assert.All(recorded.Headers.Keys, name => Assert.Equal(name.ToLowerInvariant(), name));
        Assert.Equal("""{"model":"m"}""", recorded.BodyText);
        Assert.True(recorded.ReceivedAt <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task ClearRequests_ResetsRecordingAndCount()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var client = NewClient(upstream);
        (await client.GetAsync("/a")).Dispose();

        upstream.ClearRequests();
        (await client.GetAsync("/b")).Dispose();

        Assert.Equal(1, upstream.RequestCount);
        Assert.Equal("/b", Assert.Single(upstream.Requests).Path);
    }

    [Fact]
    public async Task WaitForRequestAsync_ManyConcurrentRequests_AllAnsweredAndRecorded()
    {
        const int count = 300;
        await using var upstream = await FakeUpstream.StartAsync();
        using var client = NewClient(upstream);
        var arrived = upstream.WaitForRequestAsync(count, _patience);

        var models = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await PostChatAsync(client, $"m{i}");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("model").GetString();
        }));
        await arrived;

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}"), models);
        Assert.Equal(count, upstream.RequestCount);
    }

    [Fact]
    public async Task WaitForRequestAsync_TooFewRequests_ThrowsTimeout()
    {
        await using var upstream = await FakeUpstream.StartAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => upstream.WaitForRequestAsync(1, TimeSpan.FromMilliseconds(30)));
    }

    [Fact]
    public async Task WaitForAbortAsync_NoAbort_ThrowsTimeout()
    {
        await using var upstream = await FakeUpstream.StartAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => upstream.WaitForAbortAsync(TimeSpan.FromMilliseconds(30)));
    }

    [Fact]
    public async Task ReserveClosedPort_ConnectionIsRefused()
    {
        var port = FakeUpstream.ReserveClosedPort();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/"));

        AssertRefused(error);
    }

    [Fact]
    public async Task StopAsync_PortRefusesAfterwards()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using (var client = NewClient(upstream))
        {
            (await client.GetAsync("/")).Dispose();
        }

        await upstream.StopAsync();

        using var fresh = NewClient(upstream);
        AssertRefused(await Assert.ThrowsAsync<HttpRequestException>(() => fresh.GetAsync("/")));
    }

    [Fact]
    public async Task DisposeAsync_WithStalledRequests_AbortsThemWithoutHanging()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Enqueue(Behavior.StallBeforeHeaders());
        upstream.Enqueue(Behavior.StallBeforeHeaders());
        upstream.Behavior = Behavior.StallMidStream(1);
        using var client = NewClient(upstream);
        var stalled = Enumerable.Range(0, 3).Select(_ => PostChatAsync(client, "m")).ToArray();
        await upstream.WaitForRequestAsync(3, _patience);

        await upstream.DisposeAsync().AsTask().WaitAsync(_patience);

        foreach (var request in stalled)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => request);
        }

        Assert.Equal(0, upstream.AbortedRequests);
    }

    // No draining on dispose: SocketsHttpHandler would otherwise read on for up to two seconds before
    // closing, and the fake would see the abort only then.
    private static HttpClient NewClient(FakeUpstream upstream, TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0 })
        {
            BaseAddress = upstream.BaseAddress,
            Timeout = timeout ?? _patience,
        };

    private static Task<HttpResponseMessage> PostChatAsync(
        HttpClient client,
        string model,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content = "hi" } } }),
                Encoding.UTF8,
                "application/json"),
        };
        return client.SendAsync(request, completion, cancellationToken);
    }

    /// <summary>The payload of the next <c>data:</c> event, skipping the blank separators.</summary>
    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }

        throw new EndOfStreamException("The stream ended before the next event.");
    }

    private static async Task<List<string>> ReadAllEventsAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }

    private static void AssertRefused(HttpRequestException error)
    {
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
    }
}
