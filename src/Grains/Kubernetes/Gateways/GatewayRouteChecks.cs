using System.Text.RegularExpressions;
using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// What stops a ModelRouter from being compiled onto Envoy AI Gateway, as a pure function of its spec: every refusal,
/// grouped in the order they are checked (the CRD presence check, which needs the cluster, comes second and is the
/// reconciler's). The admission webhook reports them all; the reconciler reports the first as the condition reason
/// and writes nothing.
/// </summary>
public static partial class GatewayRouteChecks
{
    /// <summary>Rules an AIGatewayRoute holds (its CRD's <c>maxItems</c>), and matches per rule and headers per match.</summary>
    public const int MaxRouteRules = 15;
    public const int MaxMatches = 128;
    public const int MaxHeadersPerMatch = 16;

    private const string NotSupported = "is not supported when dataPlane is Gateway";

    public static IReadOnlyList<GatewayRefusal> Refusals(ModelRouterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var refusals = new List<GatewayRefusal>();
        if (spec.GatewayRef is null)
            refusals.Add(new(GatewayReasons.GatewayRefMissing, "spec.gatewayRef", "gatewayRef is required when dataPlane is Gateway: name the Gateway (gateway.networking.k8s.io) the route attaches to"));
        CheckMatches(spec, refusals);
        CheckBudgets(spec, refusals);
        CheckAuth(spec, refusals);
        if (spec.Policy?.AuditLog is not null)
            refusals.Add(new(GatewayReasons.UnsupportedAuditLog, "spec.policy.auditLog",
                $"auditLog {NotSupported}: Envoy writes the access log; configure it in an EnvoyProxy resource (telemetry.accessLog) referenced by your GatewayClass or Gateway parametersRef"));
        CheckSensitive(spec, refusals);
        CheckFields(spec, refusals);
        CheckPrecedenceAndSize(spec, refusals);
        return refusals;
    }

    private static void CheckMatches(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        var detector = spec.Policy?.Classification?.Mode is "detector" or "hybrid";
        var classificationHeader = RouterSpecDefaults.ClassificationHeader(spec);
        var rules = spec.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is not { } rule) continue;
            var path = $"spec.rules[{i}]";
            void Refuse(string field, string what) => refusals.Add(new(GatewayReasons.UnsupportedMatch, $"{path}.{field}", $"rule \"{rule.Name}\": {what}"));
            var match = rule.Match;
            if (!string.IsNullOrEmpty(match?.TaskComplexity)) Refuse("match.taskComplexity", $"taskComplexity {NotSupported} (Envoy matches the model and headers only)");
            if (match?.RequiredCapabilities is { Count: > 0 }) Refuse("match.requiredCapabilities", $"requiredCapabilities {NotSupported}");
            if (match?.LatencySLOMs is not null) Refuse("match.latencySLOMs", $"latencySLOMs {NotSupported}");
            var models = match?.Models ?? [];
            for (var k = 0; k < models.Count; k++)
            {
                if (models[k] is { } model && model.IndexOfAny(['*', '?', '[']) >= 0)
                    Refuse($"match.models[{k}]", $"glob pattern \"{model}\" {NotSupported}; list exact model names");
            }
            if (detector && match?.DataClassification is { Count: > 0 })
                Refuse("match.dataClassification", $"dataClassification with classification mode \"{spec.Policy!.Classification!.Mode}\" {NotSupported}: Envoy sees only the {classificationHeader} header (mode header-only)");
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in (match?.Headers ?? []).Keys)
            {
                var trimmed = name.Trim();
                if (!HeaderNameRegex().IsMatch(trimmed)) Refuse("match.headers", $"\"{name}\" is not a valid header name");
                else if (string.Equals(trimmed, GatewayRoutePlanner.ModelHeader, StringComparison.OrdinalIgnoreCase)) Refuse("match.headers", $"header {GatewayRoutePlanner.ModelHeader} is set by Envoy from the body's model; use match.models");
                else if (string.Equals(trimmed, classificationHeader, StringComparison.OrdinalIgnoreCase)) Refuse("match.headers", $"header {classificationHeader} is the classification header; use match.dataClassification");
                else if (!seen.Add(trimmed)) Refuse("match.headers", $"header \"{trimmed}\" is listed twice (header names ignore case)");
            }
            if (rule.Route?.Strategy is { } strategy && strategy is not ("primary-fallback" or "weighted"))
                Refuse("route.strategy", $"strategy \"{strategy}\" {NotSupported}; use primary-fallback or weighted");
        }
    }

    private static void CheckBudgets(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        var budgets = spec.Policy?.Budgets ?? [];
        for (var i = 0; i < budgets.Count; i++)
        {
            if (budgets[i] is not { } budget) continue;
            var path = $"spec.policy.budgets[{i}]";
            if (!string.IsNullOrEmpty(budget.MaxUSD))
                refusals.Add(new(GatewayReasons.UnsupportedBudgetField, $"{path}.maxUSD", $"budget \"{budget.Name}\": maxUSD {NotSupported} (Envoy counts tokens, not dollars); use maxTokens"));
            if (budget.Scope == "rule")
                refusals.Add(new(GatewayReasons.UnsupportedBudgetScope, $"{path}.scope", $"budget \"{budget.Name}\": scope \"rule\" {NotSupported}; use router or team"));
            if (budget.MaxTokens is not { } tokens)
                refusals.Add(new(GatewayReasons.InvalidBudget, $"{path}.maxTokens", $"budget \"{budget.Name}\": maxTokens is required when dataPlane is Gateway"));
            else if (tokens >= 1 && GatewayBudgetLimit.Of(tokens, budget.WindowSeconds ?? GatewayBudgetLimit.DefaultWindowSeconds) is { Requests: > GatewayBudgetLimit.MaxRequests } limit)
                refusals.Add(new(GatewayReasons.InvalidBudget, $"{path}.maxTokens",
                    $"budget \"{budget.Name}\": {limit.Requests} tokens per {limit.Unit} is more than Envoy counts ({GatewayBudgetLimit.MaxRequests}); lower maxTokens or shorten windowSeconds"));
        }
    }

    private static void CheckAuth(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        var auth = spec.Policy?.Auth;
        if (auth?.Jwt is { } jwt)
        {
            foreach (var (field, value) in new[] { ("provider", jwt.Provider), ("issuer", jwt.Issuer), ("jwksURI", jwt.JwksURI), ("teamClaim", jwt.TeamClaim) })
            {
                if (string.IsNullOrWhiteSpace(value)) refusals.Add(new(GatewayReasons.InvalidAuth, $"spec.policy.auth.jwt.{field}", $"{field} is required for JWT authentication"));
            }
            if (!string.IsNullOrWhiteSpace(jwt.JwksURI) && (!Uri.TryCreate(jwt.JwksURI, UriKind.Absolute, out var jwks) || jwks.Scheme is not ("https" or "http")))
                refusals.Add(new(GatewayReasons.InvalidAuth, "spec.policy.auth.jwt.jwksURI", $"must be an absolute http(s) URL; got \"{jwt.JwksURI}\""));
        }

        var allowlists = auth?.Allowlists ?? [];
        if (allowlists.Count == 0) return;
        if (auth!.Jwt is null)
        {
            refusals.Add(new(GatewayReasons.AuthorizationRequiresJwt, "spec.policy.auth.allowlists", "allowlists need auth.jwt: the team comes from the token's teamClaim"));
            return;
        }
        var teams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < allowlists.Count; i++)
        {
            var team = allowlists[i]?.Team;
            var path = $"spec.policy.auth.allowlists[{i}].team";
            if (string.IsNullOrWhiteSpace(team)) refusals.Add(new(GatewayReasons.InvalidAuthorization, path, "team must not be empty"));
            else if (team != team.Trim()) refusals.Add(new(GatewayReasons.InvalidAuthorization, path, $"team \"{team}\" has surrounding whitespace, which no token claim carries"));
            else if (!teams.Add(team)) refusals.Add(new(GatewayReasons.InvalidAuthorization, path, $"team \"{team}\" is listed twice; merge its models into one entry"));
        }
    }

    private static void CheckSensitive(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        var sensitive = RouterSpecDefaults.SensitiveClassifications(spec);
        var backends = (spec.Backends ?? []).Where(b => b?.Name is not null).GroupBy(b => b.Name!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rules = spec.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is not { } rule || !(rule.Match?.DataClassification ?? []).Any(sensitive.Contains)) continue;
            if (!rule.FailClosed)
                refusals.Add(new(GatewayReasons.UnsafeSensitiveRoute, $"spec.rules[{i}].failClosed", $"rule \"{rule.Name}\" matches sensitive data and must set failClosed: true"));
            var route = rule.Route?.Backends ?? [];
            for (var j = 0; j < route.Count; j++)
            {
                if (backends.TryGetValue(route[j], out var backend) && RouterSpecDefaults.EffectiveTier(backend) != RouterSpecDefaults.TierLocal)
                    refusals.Add(new(GatewayReasons.UnsafeSensitiveRoute, $"spec.rules[{i}].route.backends[{j}]", $"rule \"{rule.Name}\" matches sensitive data but backend \"{route[j]}\" is not tier local"));
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNameRegex();
}
