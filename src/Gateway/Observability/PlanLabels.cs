using System.Collections.Frozen;
using LLMKube.Gateway.Routing;

namespace LLMKube.Gateway.Observability;

/// <summary>
/// Metric label values a client can influence, bounded by what the router declares: a classification only when a rule
/// or the sensitive list names it, a model only when the matched rule lists it literally; anything else is
/// <see cref="Other"/>. Built once per routing plan; the values returned are the plan's own strings.
/// </summary>
internal sealed class PlanLabels
{
    public const string Other = "other";

    private readonly FrozenDictionary<string, string> _classifications;
    private readonly FrozenDictionary<string, string[]> _ruleModels;

    public PlanLabels(RoutePlan plan)
    {
        Plan = plan;
        var config = plan.Config;
        _classifications = config.Rules.SelectMany(r => r.DataClassification).Concat(config.SensitiveClassifications)
            .Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(c => c, StringComparer.Ordinal);
        _ruleModels = config.Rules
            .Select(r => (r.Name, Models: r.Models.Where(m => m.Length > 0 && m.IndexOfAny(['*', '?', '[']) < 0).ToArray()))
            .DistinctBy(r => r.Name, StringComparer.Ordinal)
            .ToFrozenDictionary(r => r.Name, r => r.Models, StringComparer.Ordinal);
    }

    public RoutePlan Plan { get; }

    /// <summary>The request's classification (already lower-cased) when the router knows it; "" when there was none.</summary>
    public string Classification(string value)
        => value.Length == 0 ? "" : _classifications.TryGetValue(value, out var known) ? known : Other;

    /// <summary>The requested model when <paramref name="rule"/> lists it literally; "" when the request had none.</summary>
    public string Model(string? rule, string model)
    {
        if (model.Length == 0) return "";
        if (rule is null || !_ruleModels.TryGetValue(rule, out var models)) return Other;
        foreach (var declared in models)
            if (string.Equals(declared, model, StringComparison.Ordinal)) return declared;
        return Other;
    }
}
