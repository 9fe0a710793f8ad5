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
    /// <summary>A 429 with an eligible candidate left to try: not relayed; the dispatcher falls back.</summary>
    RateLimited,
}
