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

/// <summary>A health report a gateway sends to a Backend grain (one-way, only on local transitions).</summary>
/// <param name="Upstream">
/// The <c>UpstreamIdentity</c> the attempt was sent to. The grain ignores a report whose upstream is no
/// longer the backend's, so a late report about an old address cannot quarantine the new one. Null
/// (an operator's report) applies to whatever the backend is now.
/// </param>
[GenerateSerializer, Immutable]
public sealed record AttemptReport(
    [property: Id(0)] AttemptVerdict Verdict,
    [property: Id(1)] string? Error,
    [property: Id(2)] TimeSpan? RetryAfter,
    [property: Id(3)] string Reporter,
    [property: Id(4)] string? Upstream = null);

/// <summary>The answer to "may I probe this backend now?".</summary>
[GenerateSerializer, Immutable]
public sealed record ProbeDecision(
    [property: Id(0)] bool Granted,
    [property: Id(1)] DateTimeOffset RetryAt,
    [property: Id(2)] BackendHealth Health);
