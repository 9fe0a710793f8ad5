using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Mock;
using OpenAI;
using OpenAI.Responses;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>
/// The Responses API shape and the mock's own routing (unknown paths), against the gateway's upstream
/// client itself: the handler chain every forwarded attempt goes through.
/// </summary>
public sealed class MockResponsesTests : IDisposable
{
    private readonly UpstreamClient _upstream = new();

    public void Dispose() => _upstream.Dispose();

    private async Task<(HttpResponseMessage Response, string Body)> SendAsync(string address, string json, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, address) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var response = await _upstream.Invoker.SendAsync(request, CancellationToken.None);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Responses_Json_IsACompletedResponseWithOneMessage()
    {
        var (response, body) = await SendAsync("http://mock.llmkube.invalid/v1/responses",
            """{"model":"m","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"Say hello"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("response", json.GetProperty("object").GetString());
        Assert.StartsWith("resp_", json.GetProperty("id").GetString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        var message = json.GetProperty("output")[0];
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Mock answer to \"Say hello\".", message.GetProperty("content")[0].GetProperty("text").GetString());
        var usage = json.GetProperty("usage");
        Assert.Equal(6, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(13, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Responses_Stream_IsTypedEvents_InSequence_EndingWithCompleted()
    {
        var (response, body) = await SendAsync("http://mock.llmkube.invalid?chunks=3/v1/responses", """{"model":"m","input":"Say hello","stream":true}""");

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = MockHttp.Events(body);
        Assert.DoesNotContain(events, e => e.Data == "[DONE]");
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
             "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Event));
        var data = MockHttp.Json(events);
        Assert.Equal(events.Select(e => e.Event), data.Select(d => d.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, data.Count), data.Select(d => d.GetProperty("sequence_number").GetInt32()));
        var deltas = string.Concat(data.Where(d => d.GetProperty("type").GetString() == "response.output_text.delta").Select(d => d.GetProperty("delta").GetString()));
        Assert.Equal("Mock answer to \"Say hello\".", deltas);
        Assert.Equal(7, data[^1].GetProperty("response").GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    // The SDK marks its Responses client as evaluation-only (OPENAI001); it is the client agents use.
#pragma warning disable OPENAI001
    [Fact]
    public async Task OpenAISdk_ResponsesClient_ReadsTheMockAnswer_PlainAndStreamed()
    {
        // The SDK's own pipeline over the gateway's mock handler: no socket, no DNS.
        using var http = new HttpClient(new MockHandler(TimeProvider.System, new SocketsHttpHandler()));
        var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://mock.llmkube.invalid/v1"),
            Transport = new HttpClientPipelineTransport(http),
        }).GetResponsesClient();

        ResponseResult result = await client.CreateResponseAsync("mock-model", "Say hello", null, CancellationToken.None);
        Assert.Equal("Mock answer to \"Say hello\".", result.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, result.Status);
        Assert.Equal(3, result.Usage.InputTokenCount);

        var text = new StringBuilder();
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync("mock-model", "Say hello", null, CancellationToken.None))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta) text.Append(delta.Delta);
            if (update is StreamingResponseCompletedUpdate done) completed = done.Response;
        }

        Assert.Equal("Mock answer to \"Say hello\".", text.ToString());
        Assert.NotNull(completed);
        Assert.Equal(7, completed.Usage.OutputTokenCount);
    }
#pragma warning restore OPENAI001

    [Theory]
    [InlineData("POST", "http://mock.llmkube.invalid/v1/images/generations")]
    [InlineData("POST", "http://mock.llmkube.invalid?status=503/v1/audio/speech")]
    [InlineData("GET", "http://mock.llmkube.invalid/v1/chat/completions")]
    public async Task UnknownEndpoint_Is404_InTheOpenAIErrorShape(string method, string address)
    {
        var (response, body) = await SendAsync(address, "{}", new HttpMethod(method));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_url", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task FailureRate_WithASeed_FailsTheSameRequestsInEveryRun()
    {
        const string address = "http://mock.llmkube.invalid?failureRate=0.3&seed=11&status=502/v1/chat/completions";
        async Task<int[]> RunAsync()
        {
            using var upstream = new UpstreamClient();
            var statuses = new int[40];
            for (var i = 0; i < statuses.Length; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new StringContent(MockHttp.Chat(), Encoding.UTF8, "application/json") };
                using var response = await upstream.Invoker.SendAsync(request, CancellationToken.None);
                statuses[i] = (int)response.StatusCode;
            }

            return statuses;
        }

        var first = await RunAsync();

        Assert.Equal(first, await RunAsync());
        Assert.Contains(200, first);
        Assert.Contains(502, first);
        Assert.All(first, s => Assert.True(s is 200 or 502));
    }
}
