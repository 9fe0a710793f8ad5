namespace LLMKube.Grains.Backends;

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
