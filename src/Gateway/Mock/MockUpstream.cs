using System.Net;
using System.Net.Http.Headers;
using LLMKube.Gateway.Errors;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// The in-process OpenAI-compatible server behind <c>provider: mock</c>. It answers an
/// <see cref="HttpRequestMessage"/> the forwarder built for a mock address, in the order a real server
/// would: unknown path (404), bad <c>x-mock-*</c> header (400), latency, malformed body (400),
/// configured or requested failure, then the answer in the endpoint's JSON or SSE shape.
/// </summary>
internal sealed class MockUpstream(TimeProvider time)
{
    private readonly MockFailureDraws _draws = new();

    /// <summary>Answers <paramref name="request"/>; throws <see cref="OperationCanceledException"/> when cancelled during a delay.</summary>
    public async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var (optionsText, path) = MockAddress.Split(request.RequestUri!);
        var endpoint = path switch
        {
            "/v1/chat/completions" => MockEndpoint.ChatCompletions,
            "/v1/completions" => MockEndpoint.Completions,
            "/v1/embeddings" => MockEndpoint.Embeddings,
            "/v1/responses" => MockEndpoint.Responses,
            _ => MockEndpoint.Unknown,
        };
        if (endpoint == MockEndpoint.Unknown || request.Method != HttpMethod.Post)
            return Error(request, 404, "unknown_url", $"the mock backend does not serve {request.Method} {path}");
        if (!MockOptions.TryParse(optionsText, out var options, out var optionsError))
            return Error(request, 400, "invalid_mock_option", optionsError!);
        if (MockBehavior.TryResolve(options, request.Headers, out var behavior) is { } headerError)
            return Error(request, 400, "invalid_mock_header", headerError);

        if (behavior.Latency > TimeSpan.Zero) await Task.Delay(behavior.Latency, time, cancellationToken);

        if (MockPrompt.TryParse(endpoint, body, out var prompt) is { } bodyError)
            return Error(request, 400, "invalid_request", bodyError);
        if (behavior.ForcedStatus is { } forced)
            return Error(request, forced, "mock_failure", $"the mock backend answered {forced} as the {MockBehavior.StatusHeader} header asked");
        if (_draws.NextFails(optionsText, prompt.Model, options))
            return Error(request, options.FailureStatus, "mock_failure", $"the mock backend answered {options.FailureStatus} as its url options say");

        var reply = new MockReply(
            MockJson.Id(endpoint == MockEndpoint.Responses ? "resp_mock" : endpoint == MockEndpoint.Completions ? "cmpl-mock" : "chatcmpl-mock", body),
            time.GetUtcNow().ToUnixTimeSeconds(), prompt.Model, MockReplyText.Pieces(prompt.LastUserText, behavior.Chunks),
            prompt.PromptTokens, prompt.IncludeUsage);
        return endpoint switch
        {
            MockEndpoint.Embeddings => Json(request, MockEmbeddings.List(prompt)),
            MockEndpoint.ChatCompletions when prompt.Stream => Stream(request, MockCompletionReplies.ChatStream(reply), behavior),
            MockEndpoint.ChatCompletions => Json(request, MockCompletionReplies.Chat(reply)),
            MockEndpoint.Completions when prompt.Stream => Stream(request, MockCompletionReplies.TextStream(reply), behavior),
            MockEndpoint.Completions => Json(request, MockCompletionReplies.Text(reply)),
            _ when prompt.Stream => Stream(request, MockResponsesReplies.Stream(reply), behavior),
            _ => Json(request, MockResponsesReplies.Response(reply)),
        };
    }

    private HttpResponseMessage Stream(HttpRequestMessage request, List<byte[]> events, MockBehavior behavior)
    {
        var response = Response(request, 200, new MockEventStreamContent(events, behavior.ChunkDelay, time));
        response.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        return response;
    }

    private static HttpResponseMessage Json(HttpRequestMessage request, byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = json.Length;
        return Response(request, 200, content);
    }

    private static HttpResponseMessage Error(HttpRequestMessage request, int status, string code, string message)
    {
        var response = Json(request, OpenAIError.Body(status, code, message));
        response.StatusCode = (HttpStatusCode)status;
        return response;
    }

    private static HttpResponseMessage Response(HttpRequestMessage request, int status, HttpContent content) => new((HttpStatusCode)status)
    {
        Content = content,
        RequestMessage = request,
        Version = HttpVersion.Version11,
    };
}
