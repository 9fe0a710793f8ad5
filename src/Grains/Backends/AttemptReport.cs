namespace LLMKube.Grains.Backends;

/// <summary>What an attempt against a backend taught us, as far as its health is concerned.</summary>
public enum AttemptVerdict
{
    /// <summary>The backend answered below 500 (other than a 429): it works.</summary>
    Success,
    /// <summary>Connect error, reset, malformed response or upstream 5xx: quarantine.</summary>
    Failure,
    /// <summary>429: with a Retry-After the circuit opens for that long.</summary>
    RateLimited,
    /// <summary>Deadline or client disconnect: says nothing about the backend; releases a probe lease.</summary>
    Inconclusive,
}

/// <summary>A health report a gateway sends to a Backend grain (one-way, only on local transitions).</summary>
[GenerateSerializer, Immutable]
public sealed record AttemptReport(
    [property: Id(0)] AttemptVerdict Verdict,
    [property: Id(1)] string? Error,
    [property: Id(2)] TimeSpan? RetryAfter,
    [property: Id(3)] string Reporter);

/// <summary>The answer to "may I probe this backend now?".</summary>
[GenerateSerializer, Immutable]
public sealed record ProbeDecision(
    [property: Id(0)] bool Granted,
    [property: Id(1)] DateTimeOffset RetryAt,
    [property: Id(2)] BackendHealth Health);
