using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Compiles a Gateway-mode ModelRouter onto Envoy AI Gateway, as a pure function of its spec, its compiled config
/// (resolved backend addresses) and its backends' shared health. Objects are named after the router (backends
/// <c>&lt;router&gt;-&lt;backend&gt;</c>, so two routers or an exposed InferenceService never claim the same one),
/// labelled with it and owned by it.
/// </summary>
public static class GatewayRouteBuilder
{
    public static string RouteName(string router) => KubeNames.Sanitize(router);

    public static string BackendName(string router, string backend) => $"{KubeNames.Sanitize(router)}-{backend}";

    /// <summary>How status names the Gateway: <c>gateway namespace/name</c>, the referrer's namespace when the reference names none.</summary>
    public static string Endpoint(GatewayReference gateway, string ns) => $"gateway {(string.IsNullOrEmpty(gateway.Namespace) ? ns : gateway.Namespace)}/{gateway.Name}";

    /// <summary>A <c>parentRefs</c> entry for <paramref name="gateway"/>.</summary>
    public static JsonObject ParentRef(GatewayReference gateway)
    {
        var parent = new JsonObject { ["name"] = gateway.Name, ["kind"] = "Gateway", ["group"] = GatewayKinds.GatewayApiGroup };
        if (!string.IsNullOrEmpty(gateway.Namespace)) parent["namespace"] = gateway.Namespace;
        return parent;
    }

    /// <summary>The labels and owner of what <paramref name="router"/> generates.</summary>
    public static GatewayObjectFactory Factory(ModelRouter router)
        => new(router.Metadata.NamespaceOrDefault, ModelRouter.KindName, router.Metadata.Name!, router.Metadata.Uid ?? "",
            new Dictionary<string, string> { [GatewayObjectsBuilder.RouterLabel] = router.Metadata.Name! });

    /// <summary>The objects of <paramref name="router"/>; its spec passed <see cref="GatewayRouteChecks"/> and compiled into <paramref name="config"/>.</summary>
    public static GatewayRoute Build(ModelRouter router, RouterConfig config, IReadOnlyDictionary<string, BackendHealth>? health, DateTimeOffset now)
    {
        var spec = router.Spec!;
        var name = router.Metadata.Name!;
        var factory = Factory(router);
        var objects = new List<GatewayManifest>();
        foreach (var backend in config.Backends)
        {
            var upstream = GatewayUpstream.Parse(backend.Address);
            var objectName = BackendName(name, backend.Name);
            objects.Add(new(GatewayKinds.Backend, factory.Create(GatewayKinds.Backend, objectName, upstream.BackendSpec())));
            objects.Add(new(GatewayKinds.AIServiceBackend, factory.Create(GatewayKinds.AIServiceBackend, objectName, upstream.ServiceBackendSpec(objectName))));
        }

        var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var backend in config.Backends)
        {
            if (GatewayEjection.Unusable(health?.GetValueOrDefault(backend.Name), now) is { } reason) unusable[backend.Name] = reason;
        }
        var plan = GatewayRoutePlanner.Plan(spec);
        var ejected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var rules = new JsonArray();
        var byName = config.Backends.ToDictionary(b => b.Name, StringComparer.Ordinal);
        foreach (var rule in plan)
        {
            var kept = GatewayEjection.Keep(rule, unusable);
            foreach (var left in rule.Backends.Except(kept)) ejected[left] = unusable[left];
            rules.Add(Rule(rule, kept, name, byName));
        }

        var routeSpec = new JsonObject { ["parentRefs"] = new JsonArray(ParentRef(spec.GatewayRef!)), ["rules"] = rules };
        var budgets = spec.Policy?.Budgets ?? [];
        if (budgets.Count > 0)
            routeSpec["llmRequestCosts"] = new JsonArray(new JsonObject { ["metadataKey"] = GatewayPolicyBuilder.TokenCostKey, ["type"] = "TotalToken" });
        var route = factory.Create(GatewayKinds.AIGatewayRoute, RouteName(name), routeSpec);
        if (GatewayPolicyBuilder.SecurityPolicy(factory, spec, RouteName(name)) is { } security) objects.Add(new(GatewayKinds.SecurityPolicy, security));
        objects.Add(new(GatewayKinds.AIGatewayRoute, route));
        objects.Add(new(GatewayKinds.BackendTrafficPolicy, GatewayPolicyBuilder.TrafficPolicy(factory, spec, config, RouteName(name))));

        var ejectedList = ejected.Select(e => new EjectedBackend(e.Key, e.Value)).ToList();
        var message = $"compiled {plan.Count} rule(s) onto {Endpoint(spec.GatewayRef!, factory.Namespace)}" + GatewayPolicyBuilder.Notes(spec)
            + (ejectedList.Count > 0 ? $"; ejected {ejectedList.Count} unhealthy backend(s): {string.Join(", ", ejectedList.Select(e => e.Name))}" : "");
        return new GatewayRoute(objects, route, ejectedList, plan.Count, spec.Policy?.Auth?.Jwt is not null, message, GatewayEjection.NextChange(health, now));
    }

    private static JsonObject Rule(PlannedRule rule, IReadOnlyList<string> kept, string router, IReadOnlyDictionary<string, BackendConfig> backends)
    {
        var matches = new JsonArray();
        foreach (var match in rule.Matches)
        {
            var entry = new JsonObject();
            if (match.Count > 0) entry["headers"] = new JsonArray([.. match.Select(Header)]);
            matches.Add(entry);
        }
        var refs = new JsonArray();
        for (var i = 0; i < kept.Count; i++)
        {
            var backendRef = new JsonObject { ["name"] = BackendName(router, kept[i]) };
            var backend = backends.GetValueOrDefault(kept[i]);
            // Primary-fallback: priority 0 first, the next only when every earlier one is unhealthy in Envoy.
            if (rule.Weighted) backendRef["weight"] = backend?.Weight ?? 1;
            else backendRef["priority"] = i;
            if (backend?.UpstreamModel is { Length: > 0 } model) backendRef["modelNameOverride"] = model;
            refs.Add(backendRef);
        }
        var json = new JsonObject { ["matches"] = matches, ["backendRefs"] = refs };
        if (rule.Timeout is { } timeout) json["timeouts"] = new JsonObject { ["request"] = EnvoyDuration.Format(timeout) };
        return json;
    }

    private static JsonNode Header(HeaderMatch header) => header.IgnoreCase
        ? new JsonObject { ["type"] = "RegularExpression", ["name"] = header.Name, ["value"] = "(?i)" + Re2.Quote(header.Value) }
        : new JsonObject { ["type"] = "Exact", ["name"] = header.Name, ["value"] = header.Value };
}
