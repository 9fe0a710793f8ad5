using System.Net;
using System.Text.Json;
using LLMKube.Gateway.Mock;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>
/// The mock's answers in every OpenAI shape, through a real standalone gateway: the audit line of each
/// request shows it went through the dispatcher like any backend.
/// </summary>
public sealed class MockShapeTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    private async Task<(HttpResponseMessage Response, string Body)> SendAsync(string path, string json, params (string, string)[] headers)
    {
        var response = await gateway.Host.Client.SendAsync(MockHttp.Post(path, json, headers));
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ChatCompletion_Json_EchoesTheLastUserMessage_WithUsage()
    {
        var (response, body) = await SendAsync("/v1/chat/completions", MockHttp.Chat("Say hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", json.GetProperty("id").GetString());
        Assert.Equal("echo-model", json.GetProperty("model").GetString()); // external.model replaced the client's
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Mock answer to \"Say hello\".", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        // "Be brief." (9 chars) and "Say hello" (9 chars): 3 + 3 tokens; the answer has 27 characters: 7 tokens.
        AssertUsage(json, 6, 7);

        var audit = await gateway.Host.Audit.WaitForRequestAsync(a => a.GetProperty("status").GetInt32() == 200
            && a.GetProperty("path").GetString() == "/v1/chat/completions" && !a.GetProperty("stream").GetBoolean());
        Assert.Equal("echo", audit.GetProperty("backend").GetString());
        Assert.Equal("local", audit.GetProperty("backendTier").GetString());
    }

    [Fact]
    public async Task ChatCompletion_Stream_ChunksEndWithDone_AndNoUsageUnlessAsked()
    {
        var (response, body) = await SendAsync("/v1/chat/completions", MockHttp.Chat("Count to five", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = MockHttp.Events(body);
        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = MockHttp.Json(events);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        // The gateway asks for the usage on the client's behalf (so chunks carry "usage": null, as OpenAI's do)
        // and removes the usage-only chunk the client did not ask for.
        Assert.All(chunks, c => Assert.True(!c.TryGetProperty("usage", out var u) || u.ValueKind == JsonValueKind.Null));
        Assert.All(chunks, c => Assert.NotEqual(0, c.GetProperty("choices").GetArrayLength()));
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta") is var d && d.TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal("Mock answer to \"Count to five\".", text);
        Assert.Equal(6 + 1, chunks.Count); // one chunk per word, then the finish chunk
    }

    [Fact]
    public async Task ChatCompletion_StreamWithIncludeUsage_EndsWithAUsageChunkWithoutChoices()
    {
        var (response, body) = await SendAsync("/v1/chat/completions", MockHttp.Chat("Count to five", stream: true, includeUsage: true), ("x-mock-chunks", "3"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = MockHttp.Events(body);
        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = MockHttp.Json(events);
        Assert.Equal(3 + 2, chunks.Count); // three pieces, the finish chunk, the usage chunk
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        // "Be brief." 3 + "Count to five" 4 = 7; "Mock answer to "Count to five"." is 31 characters: 8.
        AssertUsage(usage, 7, 8);
    }

    [Fact]
    public async Task Completions_JsonAndStream_AgreeOnTheText()
    {
        var (response, body) = await SendAsync("/v1/completions", """{"model":"m","prompt":"Once upon a time"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("text_completion", json.GetProperty("object").GetString());
        var text = json.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.Equal("Mock answer to \"Once upon a time\".", text);
        AssertUsage(json, 4, 9);

        var (streamed, events) = await SendAsync("/v1/completions", """{"model":"m","prompt":["Once upon a time"],"stream":true,"stream_options":{"include_usage":true}}""");
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var chunks = MockHttp.Json(MockHttp.Events(events));
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal(text, string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        AssertUsage(chunks[^1], 4, 9);
    }

    [Fact]
    public async Task Embeddings_AreDeterministicVectors_InFloatAndBase64()
    {
        const string request = """{"model":"m","input":["hello","world"],"dimensions":8}""";
        var (response, body) = await SendAsync("/v1/embeddings", request);
        var (_, again) = await SendAsync("/v1/embeddings", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, again);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("list", json.GetProperty("object").GetString());
        var data = json.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        var vector = data[0].GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()).ToArray();
        Assert.Equal(MockEmbeddings.Vector("hello", 8), vector);
        AssertUsage(json, 4, 0);

        var (_, base64Body) = await SendAsync("/v1/embeddings", """{"model":"m","input":"hello","encoding_format":"base64"}""");
        var bytes = Convert.FromBase64String(JsonDocument.Parse(base64Body).RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(MockEmbeddings.Vector("hello", MockPrompt.DefaultDimensions), Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray());
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"m"}""", "'messages' must be a non-empty array")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":"hi"}""", "'messages' must be a non-empty array")]
    [InlineData("/v1/completions", """{"model":"m","prompt":{"a":1}}""", "'prompt' must be a string, an array of strings, or token ids")]
    [InlineData("/v1/embeddings", """{"model":"m","input":[]}""", "'input' must be a string, a non-empty array of strings, or token ids")]
    [InlineData("/v1/embeddings", """{"model":"m","input":"x","encoding_format":"hex"}""", "'encoding_format' must be \"float\" or \"base64\"")]
    public async Task MalformedBody_Is400_InTheOpenAIErrorShape_RelayedByTheGateway(string path, string json, string message)
    {
        var (response, body) = await SendAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task BadMockHeader_Is400_NamingTheHeader()
    {
        var (response, body) = await SendAsync("/v1/chat/completions", MockHttp.Chat(), ("x-mock-latency-ms", "-3"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("header x-mock-latency-ms must be an integer", body);
    }

    private static void AssertUsage(JsonElement json, int prompt, int completion)
    {
        var usage = json.GetProperty("usage");
        Assert.Equal(prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(completion, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
    }
}
