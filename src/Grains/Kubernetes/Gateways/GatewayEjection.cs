using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Routers;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Health bridging: which backends our grains consider unusable, and what a route rule keeps. A backend is unusable
/// while a lifecycle block stands (its InferenceService is not serving, its Mac agent is gone or under critical memory
/// pressure) or while its shared circuit is quarantined; once the quarantine ends it is back, and Envoy's own health
/// checks judge it as our gateways' probe would. A rule never loses its last backend unless it is fail-closed.
/// </summary>
public static class GatewayEjection
{
    /// <summary>Why the backend is unusable at <paramref name="now"/>, or null when it is usable (or unknown).</summary>
    public static string? Unusable(BackendHealth? health, DateTimeOffset now) => health switch
    {
        null => null,
        { Blocked: { } reason } => reason,
        { IsClosed: false } when now < health.OpenUntil =>
            $"quarantined until {RouterStatusBuilder.Rfc3339(health.OpenUntil)}" + (health.LastError is { Length: > 0 } error ? $" ({error})" : ""),
        _ => null,
    };

    /// <summary>When the next quarantine among <paramref name="health"/> ends (the route changes then), or null.</summary>
    public static DateTimeOffset? NextChange(IReadOnlyDictionary<string, BackendHealth>? health, DateTimeOffset now)
        => health?.Values.Where(h => h.Blocked is null && !h.IsClosed && h.OpenUntil > now).Select(h => (DateTimeOffset?)h.OpenUntil).Min();

    /// <summary>The backends <paramref name="rule"/> keeps, in order: the usable ones, or all of them when none is usable and the rule is not fail-closed.</summary>
    public static IReadOnlyList<string> Keep(PlannedRule rule, IReadOnlyDictionary<string, string> unusable)
    {
        var kept = rule.Backends.Where(b => !unusable.ContainsKey(b)).ToList();
        return kept.Count > 0 || rule.FailClosed ? kept : rule.Backends;
    }
}
