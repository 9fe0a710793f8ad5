using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LLMKube.Gateway.Accounting;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Tests.Routing;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// One attempt's transformer without a server: what it decides from the upstream's status (relay, fall
/// back on a 5xx, fall back on a 429 only when another candidate is left), what it records, and what it
/// sends upstream.
/// </summary>
public sealed class AttemptTransformerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _deadline;
    private int _asked;

    public AttemptTransformerTests() => _deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);

    public void Dispose() => _deadline.Dispose();

    private AttemptTransformer Transformer(bool anotherLeft = false, bool clientAskedStream = false, string requestId = "req-1",
        string? credential = null, BackendConfig? backend = null)
        => new(backend ?? Plans.Backend("primary"), credential, requestId, RouterTimers.Default, () =>
        {
            _asked++;
            return anotherLeft;
        }, new AttemptStreaming(clientAskedStream, UsageInjected: false), _deadline, CancellationToken.None, onFirstByte: null, _time);

    private static HttpResponseMessage Response(int status, string body = "{}", string mediaType = "application/json")
        => new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    // The relayed content is read as a stream, as YARP reads it.
    private static async Task<string> ReadAsync(HttpContent content)
    {
        using var reader = new StreamReader(await content.ReadAsStreamAsync());
        return await reader.ReadToEndAsync();
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(599)]
    public async Task ServerError_IsNeverRelayed_AndAsksNothingAboutOtherCandidates(int status)
    {
        var transformer = Transformer(anotherLeft: false);
        using var response = Response(status);

        Assert.False(await transformer.TransformResponseAsync(new DefaultHttpContext(), response, CancellationToken.None));

        Assert.Equal(ResponseDecision.ServerError, transformer.Decision);
        Assert.Equal(status, transformer.Status);
        Assert.Null(transformer.Relay);
        Assert.Equal(0, _asked);
    }

    [Fact]
    public async Task RateLimited_WithAnotherCandidateLeft_FallsBack()
    {
        var transformer = Transformer(anotherLeft: true);
        using var response = Response(429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        Assert.False(await transformer.TransformResponseAsync(new DefaultHttpContext(), response, CancellationToken.None));

        Assert.Equal(ResponseDecision.RateLimited, transformer.Decision);
        Assert.Equal(TimeSpan.FromSeconds(7), transformer.RetryAfter);
        Assert.Equal(1, _asked);
        Assert.Null(transformer.Relay);
    }

    [Fact]
    public async Task RateLimited_AsTheLastEligibleCandidate_IsRelayedWithItsRetryAfter()
    {
        var transformer = Transformer(anotherLeft: false);
        var context = new DefaultHttpContext();
        using var response = Response(429, """{"error":{"message":"slow down"}}""");
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        Assert.True(await transformer.TransformResponseAsync(context, response, CancellationToken.None));

        Assert.Equal(ResponseDecision.Relay, transformer.Decision);
        Assert.Equal(1, _asked);
        Assert.Equal("7", context.Response.Headers.RetryAfter.ToString());
        Assert.Same(transformer.Relay, response.Content);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task BelowFiveHundred_OtherThan429_IsRelayed_WithoutAsking(int status)
    {
        var transformer = Transformer(anotherLeft: true);
        var context = new DefaultHttpContext();
        using var response = Response(status, """{"ok":true}""");

        Assert.True(await transformer.TransformResponseAsync(context, response, CancellationToken.None));

        Assert.Equal(ResponseDecision.Relay, transformer.Decision);
        Assert.Equal(0, _asked);
        Assert.NotNull(transformer.Relay);
        Assert.Null(context.Response.ContentLength); // a relayed body may change length: never promised
        Assert.Null(response.Content.Headers.ContentLength);
        Assert.Equal("""{"ok":true}""", await ReadAsync(response.Content));
        Assert.Equal(11, transformer.Relay!.Bytes);
    }

    [Fact]
    public async Task HeadersArrived_StopTheHeaderDeadline_AndRecordWhen()
    {
        var transformer = Transformer();
        _time.Advance(TimeSpan.FromSeconds(3));
        var arrived = _time.GetTimestamp();
        using var response = Response(200);

        await transformer.TransformResponseAsync(new DefaultHttpContext(), response, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.False(_deadline.IsCancellationRequested);
        Assert.Equal(arrived, transformer.HeadersAt);
    }

    [Fact]
    public async Task NoResponse_LeavesTheDecisionAtNoResponse()
    {
        var transformer = Transformer();

        await transformer.TransformResponseAsync(new DefaultHttpContext(), null, CancellationToken.None);

        Assert.Equal(ResponseDecision.NoResponse, transformer.Decision);
        Assert.Equal(0, transformer.Status);
    }

    [Fact]
    public async Task RetryAfter_AsADate_IsTheTimeLeftByTheClock_AndNullWhenPast()
    {
        var transformer = Transformer(anotherLeft: true);
        using var future = Response(429);
        future.Headers.RetryAfter = new RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(42));
        await transformer.TransformResponseAsync(new DefaultHttpContext(), future, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(42), transformer.RetryAfter);

        var again = Transformer(anotherLeft: true);
        using var past = Response(429);
        past.Headers.RetryAfter = new RetryConditionHeaderValue(_time.GetUtcNow().AddSeconds(-5));
        await again.TransformResponseAsync(new DefaultHttpContext(), past, CancellationToken.None);
        Assert.Null(again.RetryAfter);
    }

    [Theory]
    [InlineData("text/event-stream", false, true, "no-cache")]
    [InlineData("application/json", true, true, "no-cache")]
    [InlineData("application/json", false, false, null)]
    public async Task Streaming_ByContentTypeOrByTheClientsAsk_GetsNoCache(string mediaType, bool clientAsked, bool streaming, string? cacheControl)
    {
        var transformer = Transformer(clientAskedStream: clientAsked);
        var context = new DefaultHttpContext();
        using var response = Response(200, "data: {}\n\n", mediaType);

        await transformer.TransformResponseAsync(context, response, CancellationToken.None);

        Assert.Equal(streaming, transformer.Streaming);
        Assert.Equal(cacheControl, context.Response.Headers.CacheControl.Count == 0 ? null : context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task UpstreamCacheControl_IsKept()
    {
        var transformer = Transformer();
        var context = new DefaultHttpContext();
        using var response = Response(200, "data: {}\n\n", "text/event-stream");
        response.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };

        await transformer.TransformResponseAsync(context, response, CancellationToken.None);

        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task RelayedJson_ReportsItsUsage()
    {
        var transformer = Transformer();
        using var response = Response(200, """{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""");

        await transformer.TransformResponseAsync(new DefaultHttpContext(), response, CancellationToken.None);
        await ReadAsync(response.Content);

        Assert.Equal(new TokenUsage(3, 4, 7), transformer.Relay!.Usage);
        Assert.Equal(0, transformer.Relay.FirstTokenAt); // JSON has no first token
    }

    [Fact]
    public async Task ErrorBodies_AreNotMeteredForUsage()
    {
        var transformer = Transformer();
        using var response = Response(400, """{"usage":{"prompt_tokens":3}}""");

        await transformer.TransformResponseAsync(new DefaultHttpContext(), response, CancellationToken.None);
        await ReadAsync(response.Content);

        Assert.Null(transformer.Relay!.Usage);
    }

    [Fact]
    public async Task Request_CarriesTheRequestId_InPlaceOfAnyTheClientSent_AndTheBackendsCredential()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        context.Request.Headers["x-request-id"] = "bad id with spaces";
        context.Request.Headers.Authorization = "Bearer sk-client";
        context.Request.Headers["x-custom"] = "kept";
        using var request = new HttpRequestMessage();

        await Transformer(requestId: "gw-42", credential: "sk-backend").TransformRequestAsync(context, request, "http://upstream.invalid", CancellationToken.None);

        Assert.Equal(["gw-42"], request.Headers.GetValues("x-request-id"));
        Assert.Equal("Bearer sk-backend", request.Headers.Authorization?.ToString());
        Assert.Equal(["kept"], request.Headers.GetValues("x-custom"));
    }
}
