using LLMKube.Gateway.Health;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// LLMKube's rule semantics: rules in declaration order, the first match wins; then
/// <c>BackendNameMatch</c>, then <c>defaultRoute</c>.
/// </summary>
internal static class RuleMatcher
{
    /// <summary>Routes through the plan's <see cref="CompiledMatcher"/>: only candidate rules are checked.</summary>
    public static RouteDecision Match(RoutePlan plan, in RequestFeatures request)
    {
        var matcher = plan.Matcher;
        var index = matcher.Find(request);
        if (index >= 0)
        {
            var rule = plan.Rules[index];
            return new RouteDecision(rule, rule.Candidates, rule.Config.Strategy, rule.Config.FailClosed);
        }
        return new RouteDecision(null, matcher.Unmatched(request.Model), RouteStrategy.PrimaryFallback, false);
    }

    /// <summary>The reference implementation: every rule in declaration order. Kept for tests and benchmarks.</summary>
    internal static RouteDecision MatchLinear(RoutePlan plan, in RequestFeatures request)
    {
        foreach (var rule in plan.Rules)
        {
            if (Matches(rule, request))
                return new RouteDecision(rule, rule.Candidates, rule.Config.Strategy, rule.Config.FailClosed);
        }
        return Unmatched(plan, request);
    }

    private static RouteDecision Unmatched(RoutePlan plan, in RequestFeatures request)
    {
        if (plan.Config.BackendNameMatch && request.Model.Length > 0 && plan.ByPublishedId.TryGetValue(request.Model, out var named))
            return new RouteDecision(null, [named], RouteStrategy.PrimaryFallback, false);
        if (plan.DefaultRoute is { } fallback)
            return new RouteDecision(null, [fallback], RouteStrategy.PrimaryFallback, false);
        return new RouteDecision(null, [], RouteStrategy.PrimaryFallback, false);
    }

    public static bool Matches(CompiledRule rule, in RequestFeatures request)
    {
        var config = rule.Config;
        if (!rule.CapabilitiesSatisfied) return false;
        if (config.DataClassification.Length > 0 && Array.IndexOf(config.DataClassification, request.Classification) < 0)
            return false;
        if (config.TaskComplexity is { Length: > 0 } complexity && complexity != request.TaskComplexity) return false;
        if (config.Models.Length > 0)
        {
            if (request.Model.Length == 0)
            {
                if (!rule.ModelsHasStar) return false;
            }
            else if (!MatchesAnyModel(config.Models, request.Model)) return false;
        }
        foreach (var header in config.Headers)
        {
            if (request.Header(header.Name) != header.Value) return false;
        }
        return true;
    }

    private static bool MatchesAnyModel(string[] patterns, string model)
    {
        foreach (var pattern in patterns)
        {
            if (PathGlob.IsMatch(pattern, model)) return true;
        }
        return false;
    }
}
