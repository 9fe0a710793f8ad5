namespace LLMKube.Grains.Backends;

/// <summary>Why a circuit is open: it decides what may close it early and what the logs say.</summary>
public enum OpenCause
{
    /// <summary>The circuit is closed.</summary>
    None,
    /// <summary>A connect error, reset, malformed response or a body broken off mid-relay.</summary>
    Failure,
    /// <summary><see cref="BreakerPolicy.Consecutive5xxThreshold"/> upstream 5xx in a row.</summary>
    ServerErrors,
    /// <summary><see cref="BreakerPolicy.CheckFailureThreshold"/> failed health checks in a row.</summary>
    HealthCheck,
    /// <summary>A 429 with <c>Retry-After</c>: the upstream said when to come back, so health checks do not close it early.</summary>
    RateLimited,
}
