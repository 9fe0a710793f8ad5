using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// The rules of a router's AIGatewayRoute, in order: one per spec rule (matches = every model × every classification,
/// each with the rule's headers), then with <c>BackendNameMatch</c> one per backend on its published model name, then
/// <c>defaultRoute</c> as a catch-all. Nothing follows a catch-all rule: it is unreachable in our gateway, and in Envoy
/// a rule with more header matches would win over the catch-all.
/// </summary>
public static class GatewayRoutePlanner
{
    /// <summary>The header Envoy AI Gateway fills with the request body's <c>model</c>.</summary>
    public const string ModelHeader = "x-ai-eg-model";

    public static IReadOnlyList<PlannedRule> Plan(ModelRouterSpec spec)
    {
        var classificationHeader = RouterSpecDefaults.ClassificationHeader(spec);
        var planned = new List<PlannedRule>();
        var rules = spec.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is not { Name: { } name, Route.Backends: { } backends } rule) continue;
            var timeout = !string.IsNullOrEmpty(rule.Timeout) && GoDuration.TryParse(rule.Timeout, out var t) ? t : (TimeSpan?)null;
            var next = new PlannedRule(name, $"spec.rules[{i}]", MatchesOf(rule.Match, classificationHeader), [.. backends],
                rule.Route.Strategy == "weighted", rule.FailClosed, timeout, FromSpec: true);
            planned.Add(next);
            if (next.IsCatchAll) return planned;
        }

        if (spec.DefaultRouteStrategy == "BackendNameMatch")
        {
            var backends = spec.Backends ?? [];
            for (var i = 0; i < backends.Count; i++)
            {
                if (backends[i]?.Name is not { } backend) continue;
                var published = string.IsNullOrEmpty(backends[i]!.DisplayName) ? backend : backends[i]!.DisplayName!;
                planned.Add(new PlannedRule($"model-{backend}", $"spec.backends[{i}]", [[new HeaderMatch(ModelHeader, published)]], [backend], false, false, null, FromSpec: false));
            }
        }

        if (!string.IsNullOrEmpty(spec.DefaultRoute))
            planned.Add(new PlannedRule("default", "spec.defaultRoute", [[]], [spec.DefaultRoute], false, false, null, FromSpec: false));
        return planned;
    }

    /// <summary>The cross product of models and classifications, each with the rule's headers (by name); one empty match for a rule with no conditions.</summary>
    public static IReadOnlyList<IReadOnlyList<HeaderMatch>> MatchesOf(RuleMatch? match, string classificationHeader)
    {
        var headers = (match?.Headers ?? [])
            .Select(h => new HeaderMatch(h.Key.Trim().ToLowerInvariant(), h.Value ?? ""))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        IReadOnlyList<string?> models = match?.Models is { Count: > 0 } m ? [.. m.Distinct(StringComparer.Ordinal)] : [null];
        IReadOnlyList<string?> classes = match?.DataClassification is { Count: > 0 } c ? [.. c.Distinct(StringComparer.Ordinal)] : [null];
        var matches = new List<IReadOnlyList<HeaderMatch>>(models.Count * classes.Count);
        foreach (var model in models)
        {
            foreach (var classification in classes)
            {
                var entry = new List<HeaderMatch>(headers.Count + 2);
                if (model is not null) entry.Add(new HeaderMatch(ModelHeader, model));
                if (classification is not null) entry.Add(new HeaderMatch(classificationHeader, classification, IgnoreCase: true));
                entry.AddRange(headers);
                matches.Add(entry);
            }
        }
        return matches;
    }
}
