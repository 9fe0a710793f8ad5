namespace LLMKube.Grains.Routing;

/// <summary>The router-wide circuit-breaker settings of <c>spec.proxy</c>, defaults applied.</summary>
/// <param name="Consecutive5xxThreshold">
/// Upstream 5xx answers in a row, counted across every gateway, that open a backend's circuit.
/// </param>
[GenerateSerializer, Immutable]
public sealed record BreakerSettings([property: Id(0)] int Consecutive5xxThreshold)
{
    /// <summary>
    /// Three, not one: a single bad answer must not take a backend out for everyone, and an LLM
    /// backend serves few, long requests, so a larger number would let many requests pay.
    /// </summary>
    public const int DefaultConsecutive5xxThreshold = 3;

    /// <summary>The settings of a router that sets none.</summary>
    public static BreakerSettings Default { get; } = new(DefaultConsecutive5xxThreshold);
}
