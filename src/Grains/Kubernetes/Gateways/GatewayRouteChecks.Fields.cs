using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Gateways;

// Fields Envoy would drop (so they must not be accepted), and what an AIGatewayRoute cannot hold.
public static partial class GatewayRouteChecks
{
    private const string OurFleet = "configures our gateway pods, which Gateway mode does not run";

    private static void CheckFields(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        void Refuse(string path, string message) => refusals.Add(new(GatewayReasons.UnsupportedField, path, message));
        if (spec.Endpoint is not null) Refuse("spec.endpoint", $"spec.endpoint {OurFleet} (clients reach the Gateway); remove the field");
        if (spec.Proxy is { } proxy)
        {
            foreach (var (field, set) in new (string, bool)[]
            {
                ("replicas", proxy.Replicas is not null), ("revisionHistoryLimit", proxy.RevisionHistoryLimit is not null), ("image", proxy.Image is not null),
                ("resources", proxy.Resources is not null), ("imagePullSecrets", proxy.ImagePullSecrets is not null), ("nodeSelector", proxy.NodeSelector is not null),
                ("connectTimeout", proxy.ConnectTimeout is not null), ("responseHeaderTimeout", proxy.ResponseHeaderTimeout is not null),
                ("streamIdleTimeout", proxy.StreamIdleTimeout is not null), ("maxStreamDuration", proxy.MaxStreamDuration is not null), ("panicMode", proxy.PanicMode is not null),
            })
            {
                if (set) Refuse($"spec.proxy.{field}", $"spec.proxy.{field} {OurFleet}; remove the field (quarantineDuration and consecutive5xxThreshold become Envoy's outlier detection)");
            }
        }

        var backends = spec.Backends ?? [];
        for (var i = 0; i < backends.Count; i++)
        {
            if (backends[i] is not { } backend) continue;
            var path = $"spec.backends[{i}]";
            if (backend.HealthCheck is not null)
                Refuse($"{path}.healthCheck", $"backend \"{backend.Name}\": healthCheck {NotSupported}: Envoy checks every backend of the route alike (GET /health every 2s); remove the field");
            if (backend.CostPerMillionTokens is not null)
                Refuse($"{path}.costPerMillionTokens", $"backend \"{backend.Name}\": costPerMillionTokens {NotSupported}: Envoy does not price requests; remove the field");
            if (backend.Capabilities is { Count: > 0 })
                Refuse($"{path}.capabilities", $"backend \"{backend.Name}\": capabilities are read only by requiredCapabilities, which Gateway mode does not support; remove the field");
            if (backend.External?.Provider == ProviderDefaults.Mock)
                Refuse($"{path}.external.provider", $"backend \"{backend.Name}\": provider \"{ProviderDefaults.Mock}\" runs inside our gateway, which Envoy cannot reach");
            if (backend.External?.CredentialsSecretRef is not null)
                Refuse($"{path}.external.credentialsSecretRef",
                    $"backend \"{backend.Name}\": credentialsSecretRef {NotSupported}: Envoy AI Gateway reads provider keys from a BackendSecurityPolicy (a Secret with the key apiKey); attach one to the AIServiceBackend <router>-{backend.Name} and remove the field");
        }
    }

    private static void CheckPrecedenceAndSize(ModelRouterSpec spec, List<GatewayRefusal> refusals)
    {
        var plan = GatewayRoutePlanner.Plan(spec);
        var before = refusals.Count;
        if (plan.Count > MaxRouteRules)
            refusals.Add(new(GatewayReasons.RouteTooLarge, "spec.rules",
                $"the route would have {plan.Count} rules (rules, backendNameMatch rules and defaultRoute) but an AIGatewayRoute holds at most {MaxRouteRules}"));
        foreach (var rule in plan)
        {
            if (rule.Matches.Count > MaxMatches)
                refusals.Add(new(GatewayReasons.RouteTooLarge, rule.Path, $"rule \"{rule.Name}\" needs {rule.Matches.Count} matches (models × classifications) but a route rule holds at most {MaxMatches}"));
            else if (rule.Matches.FirstOrDefault(m => m.Count > MaxHeadersPerMatch) is { } wide)
                refusals.Add(new(GatewayReasons.RouteTooLarge, $"{rule.Path}.match.headers", $"rule \"{rule.Name}\" needs {wide.Count} header conditions per match but a route match holds at most {MaxHeadersPerMatch}"));
        }
        if (refusals.Count > before) return;

        // Our gateway takes the first rule that matches; Envoy takes the matching rule with the most header conditions
        // (list order only breaks ties). Where an earlier rule has fewer, a request matching both would change route.
        for (var j = 1; j < plan.Count; j++)
        {
            for (var i = 0; i < j; i++)
            {
                if (Overtakes(plan[j], plan[i]) is not { } match) continue;
                refusals.Add(new(GatewayReasons.RulePrecedenceConflict, plan[j].Path,
                    $"rule \"{plan[j].Name}\" would take requests from the earlier rule \"{plan[i].Name}\" in Envoy (it matches more headers: {Describe(match)}); "
                    + "Envoy prefers the more specific match, not the first rule: put the more specific rule first or make the rules disjoint"));
                break;
            }
        }
    }

    // A match of the later rule that some request shares with a shorter match of the earlier rule.
    private static IReadOnlyList<HeaderMatch>? Overtakes(PlannedRule later, PlannedRule earlier)
    {
        foreach (var b in later.Matches)
        {
            foreach (var a in earlier.Matches)
            {
                if (a.Count < b.Count && a.All(x => b.All(x.CompatibleWith))) return b;
            }
        }
        return null;
    }

    private static string Describe(IReadOnlyList<HeaderMatch> match) => string.Join(", ", match.Select(h => $"{h.Name}={h.Value}"));
}
