namespace LLMKube.Gateway.Forwarding;

/// <summary>Why a relayed response body ended early.</summary>
internal enum StreamCut { None, IdleTimeout, DurationExceeded, UpstreamError }
