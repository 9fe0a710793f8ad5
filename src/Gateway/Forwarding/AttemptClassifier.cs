using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The decisions of the fallback loop as pure functions: how an attempt is classified before and after
/// its response is relayed, and which error the client gets when every candidate failed.
/// Deadline expiry and client disconnects never count against a backend; connect errors, resets and
/// 5xx do; a 429 falls back when another candidate is eligible, and is relayed otherwise.
/// </summary>
internal static class AttemptClassifier
{
    public static AttemptResult Classify(in AttemptFacts facts) => facts.Decision switch
    {
        ResponseDecision.Relay => new(AttemptKind.Relayed, "ok", AttemptVerdict.Success, null),
        ResponseDecision.ServerError => new(AttemptKind.ServerError, "upstream_error", AttemptVerdict.ServerError, $"{facts.Backend} returned {facts.Status}"),
        ResponseDecision.RateLimited => new(AttemptKind.RateLimited, "rate_limited", AttemptVerdict.RateLimited, $"{facts.Backend} returned 429"),
        _ when facts.ClientAborted => new(AttemptKind.ClientCanceled, "client_canceled", AttemptVerdict.Inconclusive, null),
        _ when facts.Draining => new(AttemptKind.ShuttingDown, "gateway_shutting_down", AttemptVerdict.Inconclusive, null),
        _ when facts.DeadlineExpired => new(AttemptKind.TimedOut, "timeout", AttemptVerdict.Inconclusive,
            $"{facts.Backend}: no response headers within {facts.Budget.TotalMilliseconds:0} ms"),
        _ => new(AttemptKind.ConnectError, "connect_error", AttemptVerdict.Failure, $"{facts.Backend}: {Describe(facts.Error, facts.Exception)}"),
    };

    /// <summary>Classifies a relayed response once its body is over.</summary>
    public static RelayResult ClassifyRelay(StreamCut cut, ForwarderError error, bool clientAborted, int status, bool streaming, string backend) => cut switch
    {
        StreamCut.IdleTimeout => new("stream_idle_timeout", AttemptVerdict.Inconclusive, null),
        StreamCut.DurationExceeded => new("stream_duration_exceeded", AttemptVerdict.Inconclusive, null),
        StreamCut.Shutdown => new("gateway_shutting_down", AttemptVerdict.Inconclusive, null),
        StreamCut.UpstreamError => new("stream_upstream_error", AttemptVerdict.Failure, $"{backend}: response body broke off"),
        _ when error is ForwarderError.ResponseBodyDestination => new("stream_upstream_error", AttemptVerdict.Failure, $"{backend}: response body broke off"),
        // The client leaving says nothing against the backend, which did answer.
        _ when clientAborted || error is ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled
            => new("client_canceled", AttemptVerdict.Success, null),
        _ when status == 429 => new("ok", AttemptVerdict.RateLimited, $"{backend} returned 429"),
        _ => new(streaming ? "ok_stream" : "ok", AttemptVerdict.Success, null),
    };

    /// <summary>The client's answer when no candidate produced a response.</summary>
    /// <param name="failClosed">The rule is fail-closed: 503, never 502/504.</param>
    /// <param name="attempted">At least one candidate was sent the request.</param>
    /// <param name="lastTimedOut">The last attempt ran out of time.</param>
    public static Refusal Exhausted(bool failClosed, bool attempted, bool lastTimedOut, string lastError)
    {
        if (failClosed) return new(503, "fail_closed_runtime", "fail_closed", $"fail-closed: all rule backends unhealthy: {lastError}", RetryMayHelp: true);
        if (!attempted) return new(503, "all_backends_failed", "no_eligible_backend", $"no eligible backend: {lastError}", RetryMayHelp: true);
        if (lastTimedOut) return new(504, "timeout", "upstream_timeout", $"all backends failed; the last timed out: {lastError}", RetryMayHelp: true);
        return new(502, "all_backends_failed", "all_backends_failed", $"all backends failed: {lastError}", RetryMayHelp: true);
    }

    private static string Describe(ForwarderError error, Exception? exception)
    {
        var inner = exception;
        while (inner?.InnerException is not null && inner is not System.Net.Sockets.SocketException) inner = inner.InnerException;
        return inner is null ? error.ToString() : $"{error}: {inner.Message}";
    }
}
