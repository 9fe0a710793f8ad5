namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// One rule of the generated AIGatewayRoute before backends are resolved: a spec rule, a <c>BackendNameMatch</c> rule
/// or the <c>defaultRoute</c> catch-all. Each match is a list of header conditions that must all hold; an empty match
/// matches every request.
/// </summary>
/// <param name="Name">The spec rule's name, or what generated the rule.</param>
/// <param name="Path">The field it comes from, for messages.</param>
public sealed record PlannedRule(
    string Name,
    string Path,
    IReadOnlyList<IReadOnlyList<HeaderMatch>> Matches,
    IReadOnlyList<string> Backends,
    bool Weighted,
    bool FailClosed,
    TimeSpan? Timeout,
    bool FromSpec)
{
    /// <summary>True when the rule matches every request.</summary>
    public bool IsCatchAll => Matches.Any(m => m.Count == 0);
}
