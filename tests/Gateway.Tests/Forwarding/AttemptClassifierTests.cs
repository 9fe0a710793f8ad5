using System.Net.Sockets;
using LLMKube.Gateway.Forwarding;
using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// Every branch of the fallback loop's decisions: how an attempt is classified before and after its body
/// is relayed, what the breaker learns from it, and which error ends a request whose candidates all failed.
/// The tables are keyed by a case name: the theories take the name, as the cases hold internal types.
/// </summary>
public sealed class AttemptClassifierTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1500);
    private static readonly string Refused = new SocketException((int)SocketError.ConnectionRefused).Message;

    private static AttemptFacts Facts(ResponseDecision decision, int status = 0, ForwarderError error = ForwarderError.None,
        Exception? exception = null, bool clientAborted = false, bool deadline = false, bool draining = false)
        => new("primary", decision, status, error, exception, clientAborted, deadline, draining, Budget);

    private static readonly Dictionary<string, (AttemptFacts Facts, AttemptResult Expected)> _attempts = new()
    {
        ["relayed"] = (Facts(ResponseDecision.Relay, 200), new(AttemptKind.Relayed, "ok", AttemptVerdict.Success, null)),
        ["relayed 4xx"] = (Facts(ResponseDecision.Relay, 404), new(AttemptKind.Relayed, "ok", AttemptVerdict.Success, null)),
        ["5xx"] = (Facts(ResponseDecision.ServerError, 503), new(AttemptKind.ServerError, "upstream_error", AttemptVerdict.ServerError, "primary returned 503")),
        // What the headers decided outranks what happened after them (the client leaving while the loop falls back).
        ["5xx, then the client left"] = (Facts(ResponseDecision.ServerError, 500, clientAborted: true),
            new(AttemptKind.ServerError, "upstream_error", AttemptVerdict.ServerError, "primary returned 500")),
        ["429 with another candidate"] = (Facts(ResponseDecision.RateLimited, 429), new(AttemptKind.RateLimited, "rate_limited", AttemptVerdict.RateLimited, "primary returned 429")),
        ["client left"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.RequestCanceled, clientAborted: true, deadline: true, draining: true),
            new(AttemptKind.ClientCanceled, "client_canceled", AttemptVerdict.Inconclusive, null)),
        ["draining"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.RequestTimedOut, deadline: true, draining: true),
            new(AttemptKind.ShuttingDown, "gateway_shutting_down", AttemptVerdict.Inconclusive, null)),
        ["deadline"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.RequestTimedOut, deadline: true),
            new(AttemptKind.TimedOut, "timeout", AttemptVerdict.Inconclusive, "primary: no response headers within 1500 ms")),
        ["connect refused: the socket error is named"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.Request,
                exception: new HttpRequestException("outer", new SocketException((int)SocketError.ConnectionRefused))),
            new(AttemptKind.ConnectError, "connect_error", AttemptVerdict.Failure, $"primary: Request: {Refused}")),
        ["reset: the innermost message"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.Request,
                exception: new HttpRequestException("outer", new IOException("middle", new IOException("reset by peer")))),
            new(AttemptKind.ConnectError, "connect_error", AttemptVerdict.Failure, "primary: Request: reset by peer")),
        ["no exception: the error"] = (Facts(ResponseDecision.NoResponse, error: ForwarderError.Request),
            new(AttemptKind.ConnectError, "connect_error", AttemptVerdict.Failure, "primary: Request")),
    };

    public static TheoryData<string> Attempts => [.. _attempts.Keys];

    [Theory]
    [MemberData(nameof(Attempts))]
    public void Classify(string name)
    {
        var (facts, expected) = _attempts[name];

        var result = AttemptClassifier.Classify(facts);

        Assert.Equal(expected, result);
        Assert.Equal(expected.Kind is AttemptKind.Relayed or AttemptKind.ClientCanceled or AttemptKind.ShuttingDown, result.IsFinal);
    }

    private static readonly Dictionary<string, (StreamCut Cut, ForwarderError Error, bool ClientAborted, int Status, bool Streaming, RelayResult Expected)> _relays = new()
    {
        ["json"] = (StreamCut.None, ForwarderError.None, false, 200, false, new("ok", AttemptVerdict.Success, null)),
        ["stream"] = (StreamCut.None, ForwarderError.None, false, 200, true, new("ok_stream", AttemptVerdict.Success, null)),
        ["relayed 400"] = (StreamCut.None, ForwarderError.None, false, 400, false, new("ok", AttemptVerdict.Success, null)),
        ["relayed 429"] = (StreamCut.None, ForwarderError.None, false, 429, false, new("ok", AttemptVerdict.RateLimited, "primary returned 429")),
        ["idle"] = (StreamCut.IdleTimeout, ForwarderError.None, false, 200, true, new("stream_idle_timeout", AttemptVerdict.Inconclusive, null)),
        ["duration"] = (StreamCut.DurationExceeded, ForwarderError.ResponseBodyDestination, false, 200, true, new("stream_duration_exceeded", AttemptVerdict.Inconclusive, null)),
        ["shutdown"] = (StreamCut.Shutdown, ForwarderError.None, true, 200, true, new("gateway_shutting_down", AttemptVerdict.Inconclusive, null)),
        ["upstream broke (sse)"] = (StreamCut.UpstreamError, ForwarderError.None, false, 200, true, new("stream_upstream_error", AttemptVerdict.Failure, "primary: response body broke off")),
        ["upstream broke (json)"] = (StreamCut.None, ForwarderError.ResponseBodyDestination, true, 200, false, new("stream_upstream_error", AttemptVerdict.Failure, "primary: response body broke off")),
        ["client left"] = (StreamCut.None, ForwarderError.ResponseBodyClient, true, 200, true, new("client_canceled", AttemptVerdict.Success, null)),
        ["client canceled"] = (StreamCut.None, ForwarderError.ResponseBodyCanceled, false, 200, true, new("client_canceled", AttemptVerdict.Success, null)),
        ["client aborted, no error"] = (StreamCut.None, ForwarderError.None, true, 429, false, new("client_canceled", AttemptVerdict.Success, null)),
    };

    public static TheoryData<string> Relays => [.. _relays.Keys];

    [Theory]
    [MemberData(nameof(Relays))]
    public void ClassifyRelay(string name)
    {
        var (cut, error, clientAborted, status, streaming, expected) = _relays[name];

        Assert.Equal(expected, AttemptClassifier.ClassifyRelay(cut, error, clientAborted, status, streaming, "primary"));
    }

    [Theory]
    [InlineData(true, true, true, 503, "fail_closed_runtime", "fail_closed", "fail-closed: all rule backends unhealthy: why")]
    [InlineData(true, false, false, 503, "fail_closed_runtime", "fail_closed", "fail-closed: all rule backends unhealthy: why")]
    [InlineData(false, false, false, 503, "all_backends_failed", "no_eligible_backend", "no eligible backend: why")]
    [InlineData(false, false, true, 503, "all_backends_failed", "no_eligible_backend", "no eligible backend: why")]
    [InlineData(false, true, true, 504, "timeout", "upstream_timeout", "all backends failed; the last timed out: why")]
    [InlineData(false, true, false, 502, "all_backends_failed", "all_backends_failed", "all backends failed: why")]
    public void Exhausted(bool failClosed, bool attempted, bool lastTimedOut, int status, string outcome, string code, string message)
    {
        // Every exhaustion is worth a retry later: backends recover. Refusals that are not are made elsewhere.
        Assert.Equal(new Refusal(status, outcome, code, message, RetryMayHelp: true), AttemptClassifier.Exhausted(failClosed, attempted, lastTimedOut, "why"));
    }
}
