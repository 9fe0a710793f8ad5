using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Net.Http.Headers;
using LLMKube.Gateway.Observability;
using LLMKube.Grains.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The YARP transformer of one attempt: header hygiene and credentials on the way out; on the way
/// back, decides whether this response is relayed or the dispatcher falls back, stops the
/// time-to-headers deadline once headers arrived, and wraps the body in a <see cref="RelayedContent"/>.
/// </summary>
internal sealed class AttemptTransformer(
    BackendConfig backend,
    string? credential,
    string requestId,
    RouterTimers timers,
    Func<bool>? anotherCandidateLeft,
    AttemptStreaming streaming,
    CancellationTokenSource headerDeadline,
    CancellationToken drain,
    Action? onFirstByte,
    TimeProvider time) : HttpTransformer
{
    public ResponseDecision Decision { get; private set; }

    public int Status { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Stopwatch timestamp at which response headers arrived.</summary>
    public long HeadersAt { get; private set; }

    /// <summary>The response is relayed as a stream (SSE by content type, or the client asked for one).</summary>
    public bool Streaming { get; private set; }

    /// <summary>The relayed body, once <see cref="Decision"/> is <see cref="ResponseDecision.Relay"/>.</summary>
    public RelayedContent? Relay { get; private set; }

    /// <summary>
    /// The drain deadline passed: an attempt still waiting for its response ends now. A body already being
    /// relayed is left to its <see cref="RelayedContent"/>, which ends it with an SSE <c>error</c> event; cancelling
    /// the attempt's token there would make YARP abort the client connection before that event is sent.
    /// </summary>
    public void OnDrainDeadline()
    {
        if (Relay is null) headerDeadline.Cancel();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        UpstreamHeaders.Apply(proxyRequest, backend, credential);
        // The id the client is answered with and the audit line logs: the client's own when it was kept, else
        // ours, never an invalid one it sent.
        proxyRequest.Headers.Remove(UpstreamHeaders.RequestId);
        proxyRequest.Headers.TryAddWithoutValidation(UpstreamHeaders.RequestId, requestId);
        // Only when tracing is on: otherwise the client's own trace headers pass through untouched.
        if (Activity.Current is { } span) GatewayTracing.Propagate(span, proxyRequest.Headers);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null) return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        HeadersAt = time.GetTimestamp();
        headerDeadline.CancelAfter(Timeout.InfiniteTimeSpan);
        Status = (int)proxyResponse.StatusCode;
        RetryAfter = ParseRetryAfter(proxyResponse.Headers.RetryAfter, time);

        if (Status >= 500)
        {
            Decision = ResponseDecision.ServerError;
            return false;
        }
        if (Status == 429 && anotherCandidateLeft?.Invoke() == true)
        {
            Decision = ResponseDecision.RateLimited;
            return false;
        }

        Decision = ResponseDecision.Relay;
        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var mediaType = proxyResponse.Content.Headers.ContentType?.MediaType;
        var sse = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        Streaming = sse || streaming.ClientAsked;
        if (Streaming && !httpContext.Response.Headers.ContainsKey("Cache-Control"))
            httpContext.Response.Headers.CacheControl = "no-cache";
        var json = Status is >= 200 and < 300 && string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase);
        Relay = new RelayedContent(proxyResponse.Content, new RelayedContent.RelayOptions(
            timers.StreamIdleTimeout, timers.MaxStreamDuration, sse, sse && streaming.UsageInjected, json, drain, onFirstByte), time);
        proxyResponse.Content = Relay;
        // A stream's relayed length may differ (a dropped usage event, an error event at a cut): the server
        // frames it. Any other body is relayed byte for byte or the connection is aborted, so its length holds.
        if (sse) httpContext.Response.ContentLength = null;
        return true;
    }

    private static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is { } d && d > TimeSpan.Zero ? d : null,
        _ => null,
    };
}
