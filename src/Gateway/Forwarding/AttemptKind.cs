using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>What an attempt came to, for the fallback loop.</summary>
internal enum AttemptKind
{
    /// <summary>The response was relayed: the attempt is final.</summary>
    Relayed,
    /// <summary>An upstream 5xx: fall back.</summary>
    ServerError,
    /// <summary>A 429 with another candidate left: fall back.</summary>
    RateLimited,
    /// <summary>No response headers within the attempt's budget: fall back.</summary>
    TimedOut,
    /// <summary>Connect error, reset or malformed response: fall back.</summary>
    ConnectError,
    /// <summary>The client left: stop.</summary>
    ClientCanceled,
    /// <summary>The gateway's drain deadline passed while waiting: stop.</summary>
    ShuttingDown,
}
