namespace LLMKube.Grains.Backends;

/// <summary>What an attempt against a backend taught us, as far as its health is concerned.</summary>
public enum AttemptVerdict
{
    /// <summary>The backend answered below 500 (other than a 429): it works.</summary>
    Success,
    /// <summary>Connect error, reset, malformed response or a broken stream: quarantine at once.</summary>
    Failure,
    /// <summary>429: with a Retry-After the circuit opens for that long.</summary>
    RateLimited,
    /// <summary>Deadline or client disconnect: says nothing about the backend; releases a probe lease.</summary>
    Inconclusive,
    /// <summary>An upstream 5xx: quarantine once <see cref="BreakerPolicy.Consecutive5xxThreshold"/> arrive in a row.</summary>
    ServerError,
}
