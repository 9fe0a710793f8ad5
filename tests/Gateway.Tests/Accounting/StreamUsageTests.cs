using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>
/// Token accounting of streams. When the client did not ask for usage the gateway asks the upstream for it
/// (<c>stream_options.include_usage</c>), counts it, and removes that extra event from what the client
/// receives; when the client asked, nothing is changed; a stream that ends without usage is
/// <c>"usage": "missing"</c>. The Responses API reports usage in <c>response.completed</c>.
/// </summary>
public sealed class StreamUsageTests(AccountingGateway gateway) : IClassFixture<AccountingGateway>
{
    private const string StreamChat = """{"model":"m","stream":true,"messages":[{"role":"user","content":"say \"hi\" é"}],"temperature":0}""";

    private static void AssertNoUsageEvent(AccountingGateway.Exchange exchange)
        => Assert.DoesNotContain(exchange.Events, e => e.TryGetProperty("choices", out var c) && c.GetArrayLength() == 0);

    [Fact]
    public async Task ClientDidNotAskForUsage_UpstreamIsAsked_TheClientNeverSeesTheUsageEvent_TheAuditCounts()
    {
        gateway.Upstream.Enqueue(Behavior.Sse(chunks: 3, TimeSpan.Zero));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        Assert.Equal(200, exchange.Status);
        // The only change: stream_options first, the client's bytes after it exactly as sent.
        Assert.Equal("""{"stream_options":{"include_usage":true},""" + StreamChat[1..], exchange.Sent!.BodyText);
        Assert.Equal(3, exchange.Events.Count);
        AssertNoUsageEvent(exchange);
        Assert.EndsWith("data: [DONE]\n\n", exchange.Text);
        Assert.Equal((7L, 3L, 10L), exchange.Tokens);
        Assert.Equal(7 * AccountingGateway.PromptUsd / 1_000_000m + 3 * AccountingGateway.CompletionUsd / 1_000_000m,
            exchange.Audit.GetProperty("costUSD").GetDecimal());
        // Bytes: what the client sent; what it received, the dropped event excluded.
        Assert.Equal(Encoding.UTF8.GetByteCount(StreamChat), exchange.Number("requestBytes"));
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
        Assert.True(exchange.Audit.GetProperty("stream").GetBoolean());
        Assert.Equal("ok_stream", exchange.Audit.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task ClientAskedForUsage_BodyUnchanged_TheClientGetsTheUsageEvent_TheAuditCounts()
    {
        const string asked = """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}""";
        gateway.Upstream.Enqueue(Behavior.Sse(chunks: 2, TimeSpan.Zero));

        var exchange = await gateway.SendAsync("/v1/chat/completions", asked);

        Assert.Equal(asked, exchange.Sent!.BodyText);
        var usage = exchange.Events[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(9, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal((7L, 2L, 9L), exchange.Tokens);
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
    }

    [Theory]
    [InlineData("""{"include_obfuscation":false}""")]
    [InlineData("""{"include_usage":false,"include_obfuscation":false}""")]
    public async Task StreamOptionsWithoutIncludeUsage_AreRewritten_KeepingTheClientsOtherOptions(string options)
    {
        var body = $$"""{"model":"m","stream":true,"stream_options":{{options}},"messages":[]}""";
        gateway.Upstream.Enqueue(Behavior.Sse(chunks: 2, TimeSpan.Zero));

        var exchange = await gateway.SendAsync("/v1/chat/completions", body);

        var sent = JsonNode.Parse(exchange.Sent!.Body)!;
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.False(sent["stream_options"]!["include_obfuscation"]!.GetValue<bool>());
        Assert.Equal(2, sent["stream_options"]!.AsObject().Count);
        Assert.Equal("m", sent["model"]!.GetValue<string>());
        AssertNoUsageEvent(exchange);
        Assert.Equal((7L, 2L, 9L), exchange.Tokens);
    }

    [Fact]
    public async Task LegacyCompletions_AreAskedForUsageToo()
    {
        const string body = """{"model":"m","stream":true,"prompt":"Once"}""";
        gateway.Upstream.Enqueue(Behavior.Sse(chunks: 1, TimeSpan.Zero));

        var exchange = await gateway.SendAsync("/v1/completions", body);

        Assert.True(JsonNode.Parse(exchange.Sent!.Body)!["stream_options"]!["include_usage"]!.GetValue<bool>());
        AssertNoUsageEvent(exchange);
        Assert.Equal((7L, 1L, 8L), exchange.Tokens);
    }

    [Fact]
    public async Task NonStreamedRequest_IsNotAskedForStreamUsage()
    {
        const string body = """{"model":"m","messages":[]}""";

        var exchange = await gateway.SendAsync("/v1/chat/completions", body);

        Assert.Equal(body, exchange.Sent!.BodyText);
    }

    [Fact]
    public async Task UpstreamThatIgnoresTheAsk_StreamEndsWithoutUsage_IsMissing_NeverZero()
    {
        gateway.Upstream.Enqueue(Behavior.Raw([
            """data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}""" + "\n\n",
            "data: [DONE]\n\n",
        ]));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        Assert.Equal("missing", exchange.Usage);
        Assert.Null(exchange.Tokens);
        Assert.False(exchange.Audit.TryGetProperty("costUSD", out _));
        Assert.Equal("""data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}""" + "\n\ndata: [DONE]\n\n", exchange.Text);
    }

    [Fact]
    public async Task StreamCutBeforeItsUsage_IsMissing()
    {
        gateway.Upstream.Enqueue(Behavior.ResetMidStream(2));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        Assert.Equal("stream_upstream_error", exchange.Audit.GetProperty("outcome").GetString());
        Assert.Equal("missing", exchange.Usage);
        Assert.Contains("event: error", exchange.Text);
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
    }

    [Fact]
    public async Task StreamWithContent_HasTimeToFirstByteAndToken_WithinItsDuration()
    {
        gateway.Upstream.Enqueue(Behavior.Raw([
            """data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""" + "\n\n",
            """data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}""" + "\n\n",
            """data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""" + "\n\n",
            "data: [DONE]\n\n",
        ]));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        var ttfb = exchange.Number("ttfbMs");
        var ttft = exchange.Number("ttftMs");
        Assert.NotNull(ttfb);
        Assert.NotNull(ttft);
        Assert.InRange(ttft!.Value, 0, exchange.Number("durationMs")!.Value);
        Assert.InRange(ttfb!.Value, exchange.Number("latencyMs")!.Value, exchange.Number("durationMs")!.Value);
    }

    [Fact]
    public async Task StreamWithoutOutput_HasNoTimeToFirstToken()
    {
        gateway.Upstream.Enqueue(Behavior.Raw([
            """data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}""" + "\n\n",
            "data: [DONE]\n\n",
        ]));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        Assert.NotNull(exchange.Number("ttfbMs"));
        Assert.Null(exchange.Number("ttftMs"));
    }

    [Fact]
    public async Task ResponsesApiStream_IsForwardedUnchanged_AndCountsTheUsageOfResponseCompleted()
    {
        const string body = """{"model":"m","stream":true,"input":"hi"}""";
        string[] events =
        [
            "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\",\"status\":\"in_progress\",\"usage\":null}}\n\n",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n",
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\","
                + "\"usage\":{\"input_tokens\":11,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":14}}}\n\n",
        ];
        gateway.Upstream.Enqueue(Behavior.Raw(events));

        var exchange = await gateway.SendAsync("/v1/responses", body);

        Assert.Equal(body, exchange.Sent!.BodyText);
        Assert.Equal(string.Concat(events), exchange.Text);
        Assert.Equal((11L, 3L, 14L), exchange.Tokens);
        Assert.NotNull(exchange.Number("ttftMs"));
    }

    [Fact]
    public async Task CrLfStream_IsRelayedByteForByte_AndCounted()
    {
        gateway.Upstream.Enqueue(Behavior.Raw([
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,",
            "\"completion_tokens\":1,\"total_tokens\":5}}\r\n\r\n",
            "data: [DONE]\r\n\r\n",
        ]));

        var exchange = await gateway.SendAsync("/v1/chat/completions", StreamChat);

        Assert.Equal("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n", exchange.Text);
        Assert.Equal((4L, 1L, 5L), exchange.Tokens);
    }
}
