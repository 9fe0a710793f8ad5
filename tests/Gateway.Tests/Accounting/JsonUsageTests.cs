using System.Text;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>
/// The audit line of a JSON answer: the upstream's token counts (chat, embeddings, Responses API), the
/// cost when the backend declares prices, <c>"usage": "missing"</c> for a success without usage (never zero),
/// nothing for an error; request and response bytes; a time to first byte but no time to first token.
/// </summary>
public sealed class JsonUsageTests(AccountingGateway gateway) : IClassFixture<AccountingGateway>
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"hi é"}]}""";

    private static string Completion(int prompt, int completion) => $$"""
        {"id":"chatcmpl-1","object":"chat.completion","model":"m",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":{{prompt}},"completion_tokens":{{completion}},"total_tokens":{{prompt + completion}},
                  "prompt_tokens_details":{"cached_tokens":1} } }
        """;

    [Fact]
    public async Task ChatWithUsage_AuditHasTheCounts_TheBytes_AndAFirstByteButNoFirstToken()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, Completion(12, 34)));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat);

        Assert.Equal(200, exchange.Status);
        Assert.Equal((12L, 34L, 46L), exchange.Tokens);
        Assert.Null(exchange.Usage);
        Assert.Equal(Encoding.UTF8.GetByteCount(Chat), exchange.Number("requestBytes"));
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
        Assert.Equal(Encoding.UTF8.GetByteCount(Completion(12, 34)), exchange.Body.Length);
        Assert.NotNull(exchange.Number("ttfbMs"));
        Assert.Null(exchange.Number("ttftMs"));
    }

    [Fact]
    public async Task ClientAcceptingGzip_TheUpstreamIsAskedForAPlainBody_SoItsUsageIsRead()
    {
        // SDKs on fetch or httpx send Accept-Encoding; a compressed body would hide its usage from the gateway.
        gateway.Upstream.Enqueue(Behavior.CompressedJson(Completion(12, 34)));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat, ("Accept-Encoding", "gzip, deflate, br"));

        Assert.Null(exchange.Sent!.Header("accept-encoding"));
        Assert.Equal(Completion(12, 34), exchange.Text);
        Assert.Equal((12L, 34L, 46L), exchange.Tokens);
    }

    [Fact]
    public async Task PricedBackend_CostIsPromptTimesPricePlusCompletionTimesPrice_InExactDecimal()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, Completion(3, 3)));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat);

        // 3 × 0.1 / 1e6 + 3 × 0.2 / 1e6: in binary floating point this would be 9.000000000000001E-07.
        var cost = exchange.Audit.GetProperty("costUSD");
        Assert.Equal("0.0000009", cost.GetRawText());
        Assert.Equal(3 * AccountingGateway.PromptUsd / 1_000_000m + 3 * AccountingGateway.CompletionUsd / 1_000_000m, cost.GetDecimal());
    }

    [Fact]
    public async Task PricedBackend_LargeCounts_CostIsExact()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, Completion(1_234_567, 89)));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat);

        Assert.Equal(0.1234745m, exchange.Audit.GetProperty("costUSD").GetDecimal());
    }

    [Fact]
    public async Task BackendWithoutPrices_HasCountsButNoCost()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, Completion(12, 34)));

        var exchange = await gateway.SendAsync("/v1/chat/completions", """{"model":"free","messages":[]}""");

        Assert.Equal("free", exchange.Audit.GetProperty("backend").GetString());
        Assert.Equal((12L, 34L, 46L), exchange.Tokens);
        Assert.False(exchange.Audit.TryGetProperty("costUSD", out _));
    }

    [Fact]
    public async Task SuccessWithoutUsage_IsMarkedMissing_NeverCountedAsZero_AndCostsNothing()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, """{"id":"chatcmpl-1","object":"chat.completion","choices":[]}"""));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat);

        Assert.Equal("missing", exchange.Usage);
        Assert.Null(exchange.Tokens);
        Assert.False(exchange.Audit.TryGetProperty("costUSD", out _));
    }

    [Fact]
    public async Task SuccessWithUsageNull_IsMissing()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, """{"choices":[],"usage":null}"""));

        Assert.Equal("missing", (await gateway.SendAsync("/v1/chat/completions", Chat)).Usage);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task ClientError_HasNeitherCountsNorMissing(int status)
    {
        // Even an error body that looks like it has usage is not metered.
        gateway.Upstream.Enqueue(Behavior.Json(status, """{"error":{"message":"bad","type":"invalid_request_error"},"usage":{"prompt_tokens":5}}"""));

        var exchange = await gateway.SendAsync("/v1/chat/completions", Chat);

        Assert.Equal(status, exchange.Status);
        Assert.Null(exchange.Tokens);
        Assert.Null(exchange.Usage);
        Assert.False(exchange.Audit.TryGetProperty("costUSD", out _));
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
    }

    [Fact]
    public async Task Embeddings_CountPromptTokens_AndZeroCompletion()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5]}],"model":"e","usage":{"prompt_tokens":8,"total_tokens":8}}
            """));

        var exchange = await gateway.SendAsync("/v1/embeddings", """{"model":"m","input":["hello","world"]}""");

        Assert.Equal((8L, 0L, 8L), exchange.Tokens);
        Assert.Equal(8 * AccountingGateway.PromptUsd / 1_000_000m, exchange.Audit.GetProperty("costUSD").GetDecimal());
        Assert.Equal("/v1/embeddings", exchange.Sent?.Path);
    }

    [Fact]
    public async Task ResponsesApi_Json_CountsInputAndOutputTokens()
    {
        gateway.Upstream.Enqueue(Behavior.Json(200, """
            {"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","role":"assistant",
             "content":[{"type":"output_text","text":"Hi","annotations":[]}]}],
             "usage":{"input_tokens":21,"input_tokens_details":{"cached_tokens":0},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":3},"total_tokens":29}}
            """));

        var exchange = await gateway.SendAsync("/v1/responses", """{"model":"m","input":"hi"}""");

        Assert.Equal(200, exchange.Status);
        Assert.Equal("/v1/responses", exchange.Sent?.Path);
        Assert.Equal((21L, 8L, 29L), exchange.Tokens);
    }

    [Fact]
    public async Task GatewayRefusal_HasRequestAndErrorBodyBytes_ButNoUsage()
    {
        const string body = """{"messages":[]}""";

        var exchange = await gateway.SendAsync("/v1/chat/completions", body);

        Assert.Equal(400, exchange.Status);
        Assert.Equal(body.Length, exchange.Number("requestBytes"));
        Assert.Null(exchange.Usage);
        Assert.Null(exchange.Number("ttfbMs"));
        Assert.Equal(exchange.Body.Length, exchange.Number("responseBytes"));
        Assert.NotEmpty(exchange.Body);
    }
}
