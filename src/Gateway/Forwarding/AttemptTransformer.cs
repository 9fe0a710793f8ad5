using System.Net.Http.Headers;
using LLMKube.Grains.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>What the transformer decided once the upstream's response headers arrived.</summary>
internal enum ResponseDecision
{
    /// <summary>No response headers arrived (connect error, reset, deadline, client gone).</summary>
    NoResponse,
    /// <summary>Relayed to the client: the attempt is final.</summary>
    Relay,
    /// <summary>An upstream 5xx: never relayed; the dispatcher falls back.</summary>
    ServerError,
    /// <summary>A 429 with a candidate left to try: not relayed; the dispatcher falls back.</summary>
    RateLimited,
}

/// <summary>
/// The YARP transformer of one attempt: header hygiene and credentials on the way out; on the way
/// back, decides whether this response is relayed or the dispatcher falls back, and stops the
/// time-to-headers deadline once headers arrived.
/// </summary>
internal sealed class AttemptTransformer(
    BackendConfig backend,
    string? credential,
    RouterTimers timers,
    bool isLastCandidate,
    bool clientAskedStream,
    CancellationTokenSource headerDeadline,
    TimeProvider time) : HttpTransformer
{
    public ResponseDecision Decision { get; private set; }

    public int Status { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Stopwatch timestamp at which response headers arrived.</summary>
    public long HeadersAt { get; private set; }

    /// <summary>The stream response is relayed in (SSE by content type, or the client asked for one).</summary>
    public bool Streaming { get; private set; }

    public GuardedResponseContent? Guard { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        UpstreamHeaders.Apply(proxyRequest, backend, credential, timers.ConnectTimeout);
    }

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
        if (Status == 429 && !isLastCandidate)
        {
            Decision = ResponseDecision.RateLimited;
            return false;
        }

        Decision = ResponseDecision.Relay;
        await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var mediaType = proxyResponse.Content.Headers.ContentType?.MediaType;
        var sse = string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        Streaming = sse || clientAskedStream;
        if (Streaming && !httpContext.Response.Headers.ContainsKey("Cache-Control"))
            httpContext.Response.Headers.CacheControl = "no-cache";
        if (sse || timers.StreamIdleTimeout is not null || timers.MaxStreamDuration is not null)
        {
            Guard = new GuardedResponseContent(proxyResponse.Content, timers.StreamIdleTimeout, timers.MaxStreamDuration, sse, time);
            proxyResponse.Content = Guard;
        }
        return true;
    }

    private static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header, TimeProvider time) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is { } d && d > TimeSpan.Zero ? d : null,
        _ => null,
    };
}
