namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// One header condition of a generated route match. <paramref name="IgnoreCase"/> is set for the classification
/// header, which our gateway lower-cases before matching: Envoy then matches it with a case-insensitive expression,
/// so <c>PII</c> cannot slip past a <c>pii</c> rule.
/// </summary>
public sealed record HeaderMatch(string Name, string Value, bool IgnoreCase = false)
{
    /// <summary>Whether one request can carry both this and <paramref name="other"/> (a different header, or the same value).</summary>
    public bool CompatibleWith(HeaderMatch other)
        => !string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase)
           || string.Equals(Value, other.Value, IgnoreCase || other.IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
