namespace LLMKube.Gateway.Forwarding;

/// <summary>Why a relayed response body ended early.</summary>
internal enum StreamCut
{
    None,
    /// <summary>The upstream sent nothing for <c>streamIdleTimeout</c>.</summary>
    IdleTimeout,
    /// <summary>The body ran past <c>maxStreamDuration</c>.</summary>
    DurationExceeded,
    /// <summary>The upstream connection broke.</summary>
    UpstreamError,
    /// <summary>The gateway is shutting down and its drain timeout has passed.</summary>
    Shutdown,
}
