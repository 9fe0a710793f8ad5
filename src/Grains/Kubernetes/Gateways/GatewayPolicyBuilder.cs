using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// The policies of a Gateway-mode route: exactly one <c>BackendTrafficPolicy</c> (two on one route conflict silently
/// in Envoy Gateway) carrying retries, passive and active health checks and the token budgets, and a
/// <c>SecurityPolicy</c> when JWT authentication is asked for.
/// </summary>
public static class GatewayPolicyBuilder
{
    /// <summary>Where Envoy AI Gateway puts each response's total tokens (dynamic metadata key and namespace).</summary>
    public const string TokenCostKey = "llm_total_token";
    public const string TokenCostNamespace = "io.envoy.ai_gateway";

    public const string DefaultTeamHeader = "x-llmkube-team";

    private static readonly TimeSpan _defaultRetryTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _defaultEjection = TimeSpan.FromSeconds(30);
    private const int DefaultConsecutive5xx = 3;

    /// <summary>The route's one BackendTrafficPolicy, targeting the HTTPRoute Envoy AI Gateway generates under the route's name.</summary>
    public static JsonObject TrafficPolicy(GatewayObjectFactory factory, ModelRouterSpec spec, RouterConfig config, string route)
    {
        var timeouts = (spec.Rules ?? []).Select(r => r?.Timeout).Concat((spec.Backends ?? []).Select(b => b?.Timeout))
            .Select(t => !string.IsNullOrEmpty(t) && GoDuration.TryParse(t, out var d) ? d : TimeSpan.Zero);
        var perRetry = timeouts.DefaultIfEmpty().Max() is var longest && longest > TimeSpan.Zero ? longest : _defaultRetryTimeout;
        var ejection = config.Timers.QuarantineDuration is var q && spec.Proxy?.QuarantineDuration is not null ? q : _defaultEjection;
        var policy = new JsonObject
        {
            ["targetRefs"] = new JsonArray(HttpRoute(route)),
            ["retry"] = new JsonObject
            {
                ["numAttemptsPerPriority"] = 1,
                ["numRetries"] = 5,
                ["perRetry"] = new JsonObject
                {
                    ["backOff"] = new JsonObject { ["baseInterval"] = "100ms", ["maxInterval"] = "10s" },
                    ["timeout"] = EnvoyDuration.Format(perRetry),
                },
                ["retryOn"] = new JsonObject
                {
                    ["httpStatusCodes"] = new JsonArray(500, 503),
                    ["triggers"] = new JsonArray("connect-failure", "retriable-status-codes"),
                },
            },
            ["healthCheck"] = new JsonObject
            {
                // Our shared breaker's settings become Envoy's outlier detection.
                ["passive"] = new JsonObject
                {
                    ["baseEjectionTime"] = EnvoyDuration.Format(ejection),
                    ["consecutive5XxErrors"] = spec.Proxy?.Consecutive5xxThreshold ?? DefaultConsecutive5xx,
                    ["interval"] = "5s",
                    ["maxEjectionPercent"] = 100,
                },
                ["active"] = new JsonObject
                {
                    ["type"] = "HTTP",
                    ["http"] = new JsonObject { ["path"] = "/health", ["method"] = "GET", ["expectedStatuses"] = new JsonArray(200) },
                    ["interval"] = "2s",
                    ["timeout"] = "1s",
                    ["unhealthyThreshold"] = 2,
                    ["healthyThreshold"] = 1,
                },
            },
        };
        var budgets = spec.Policy?.Budgets ?? [];
        if (budgets.Count > 0)
            policy["rateLimit"] = new JsonObject { ["type"] = "Global", ["global"] = new JsonObject { ["rules"] = new JsonArray([.. budgets.Select(BudgetRule)]) } };
        return factory.Create(GatewayKinds.BackendTrafficPolicy, route, policy);
    }

    private static JsonNode BudgetRule(BudgetSpec budget)
    {
        var limit = GatewayBudgetLimit.Of(budget.MaxTokens!.Value, budget.WindowSeconds ?? GatewayBudgetLimit.DefaultWindowSeconds);
        var rule = new JsonObject
        {
            ["limit"] = new JsonObject { ["requests"] = limit.Requests, ["unit"] = limit.Unit },
            // Nothing is counted when a request starts; its total tokens are counted when it ends.
            ["cost"] = new JsonObject
            {
                ["request"] = new JsonObject { ["from"] = "Number", ["number"] = 0 },
                ["response"] = new JsonObject { ["from"] = "Metadata", ["metadata"] = new JsonObject { ["namespace"] = TokenCostNamespace, ["key"] = TokenCostKey } },
            },
        };
        if (budget.Scope == "team")
        {
            var header = new JsonObject { ["name"] = TeamHeader(budget.HeaderKey), ["type"] = "Distinct" };
            rule["clientSelectors"] = new JsonArray(new JsonObject { ["headers"] = new JsonArray(header) });
        }
        return rule;
    }

    /// <summary>JWT authentication (the team claim copied into a header) and, with allowlists, deny-by-default authorization per team.</summary>
    public static JsonObject? SecurityPolicy(GatewayObjectFactory factory, ModelRouterSpec spec, string route)
    {
        if (spec.Policy?.Auth?.Jwt is not { } jwt) return null;
        var provider = new JsonObject
        {
            ["name"] = jwt.Provider,
            ["issuer"] = jwt.Issuer,
            ["remoteJWKS"] = new JsonObject { ["uri"] = jwt.JwksURI },
            ["claimToHeaders"] = new JsonArray(new JsonObject { ["claim"] = jwt.TeamClaim, ["header"] = TeamHeader(jwt.HeaderKey) }),
        };
        var policy = new JsonObject
        {
            ["targetRefs"] = new JsonArray(HttpRoute(route)),
            ["jwt"] = new JsonObject { ["providers"] = new JsonArray(provider) },
        };
        var allowlists = spec.Policy.Auth.Allowlists ?? [];
        if (allowlists.Count > 0)
        {
            var rules = new JsonArray();
            for (var i = 0; i < allowlists.Count; i++)
            {
                var entry = allowlists[i];
                var principal = new JsonObject
                {
                    ["jwt"] = new JsonObject
                    {
                        ["provider"] = jwt.Provider,
                        ["claims"] = new JsonArray(new JsonObject { ["name"] = jwt.TeamClaim, ["values"] = new JsonArray(entry.Team) }),
                    },
                };
                if (entry.Models is { Count: > 0 } models)
                    principal["headers"] = new JsonArray(new JsonObject { ["name"] = GatewayRoutePlanner.ModelHeader, ["values"] = new JsonArray([.. models.Select(m => (JsonNode)m)]) });
                rules.Add(new JsonObject { ["name"] = $"allow-{entry.Team}-{i}", ["action"] = "Allow", ["principal"] = principal });
            }
            policy["authorization"] = new JsonObject { ["defaultAction"] = "Deny", ["rules"] = rules };
        }
        return factory.Create(GatewayKinds.SecurityPolicy, route, policy);
    }

    /// <summary>What the GatewayReady message adds about budgets and authentication.</summary>
    public static string Notes(ModelRouterSpec spec)
    {
        var notes = "";
        var budgets = spec.Policy?.Budgets ?? [];
        if (budgets.Count > 0)
        {
            notes += $"; {budgets.Count} token budget(s) as global rate limits";
            if (budgets.Any(b => b.Scope == "team"))
                notes += spec.Policy!.Auth?.Jwt is null
                    ? " (team budgets count the team header as clients send it: without auth.jwt any client can set it)"
                    : " (team budgets count the team header JWT authentication sets from the token)";
        }
        if (spec.Policy?.Auth?.Jwt is { } jwt)
        {
            var teams = spec.Policy.Auth.Allowlists?.Count ?? 0;
            notes += $"; JWT authentication by provider {jwt.Provider}" + (teams > 0 ? $", allowing {teams} team(s) and denying the rest" : "");
        }
        return notes;
    }

    private static string TeamHeader(string? header) => string.IsNullOrWhiteSpace(header) ? DefaultTeamHeader : header.Trim().ToLowerInvariant();

    private static JsonObject HttpRoute(string name) => new() { ["group"] = GatewayKinds.GatewayApiGroup, ["kind"] = "HTTPRoute", ["name"] = name };
}
