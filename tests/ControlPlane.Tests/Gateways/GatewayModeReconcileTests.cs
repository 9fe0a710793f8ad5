using System.Text.Json.Nodes;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;
using static LLMKube.ControlPlane.Tests.Gateways.GatewaySteps;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>Gateway-mode ModelRouters reconciled by a real silo against the real API server with the published gateway CRDs.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class GatewayModeReconcileTests(ApiServerFixture api)
{
    [GatewayApiServerFact]
    public async Task ARouterInGatewayMode_IsCompiledOntoEnvoy_OwnedAppliedByOneManager_WithoutOurGatewayFleet()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("gw");
        var steps = new GatewaySteps(api, ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await steps.ApplyAsync(steps.Router());

        var status = await steps.RouterStatusAsync("chat", s => (string?)s["phase"] == "Ready", "phase Ready");
        var route = await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat");
        Assert.Equal(3, route["spec"]!["rules"]!.AsArray().Count);
        var owner = route["metadata"]!["ownerReferences"]![0]!;
        Assert.Equal(("ModelRouter", "chat", true), ((string?)owner["kind"], (string?)owner["name"], (bool)owner["controller"]!));
        Assert.Equal([(KubeNames.FieldManager, "Apply")], route["metadata"]!["managedFields"]!.AsArray().Select(m => ((string?)m!["manager"], (string?)m["operation"])));
        Assert.Equal(["chat-cloud", "chat-lab"], await steps.NamesAsync(GatewayKinds.Backend));
        Assert.Equal(["chat-cloud", "chat-lab"], await steps.NamesAsync(GatewayKinds.AIServiceBackend));
        Assert.Equal(["chat"], await steps.NamesAsync(GatewayKinds.BackendTrafficPolicy));
        Assert.Equal(["chat"], await steps.NamesAsync(GatewayKinds.SecurityPolicy));

        Assert.Equal(("True", "Exposed"), ((string?)Condition(status, "GatewayReady")!["status"], Reason(status, "GatewayReady")));
        Assert.StartsWith("compiled 3 rule(s) onto gateway envoy-gateway-system/eg; 2 token budget(s)", (string?)Condition(status, "GatewayReady")!["message"]);
        var gateway = status["gateway"]!;
        Assert.Equal((true, "gateway envoy-gateway-system/eg", true, null), ((bool)gateway["routeReady"]!, (string?)gateway["endpoint"], (bool)gateway["authEnabled"]!, gateway["ejectedBackends"]));
        Assert.Null(status["endpoint"]);
        Assert.Contains(await steps.EventsAsync("chat"), e => e is ("Normal", "Exposed", _));
        Assert.Empty((await api.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    [GatewayApiServerFact]
    public async Task ARefusedChange_LeavesTheLastRouteServing_AndABackendLeavingTheSpec_LeavesTheGateway()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("gw");
        var steps = new GatewaySteps(api, ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await steps.ApplyAsync(steps.Router());
        var route = await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat");

        await steps.ApplyAsync(steps.Router(change: s => s.Rules![1].Match!.TaskComplexity = "complex"));
        var refused = await steps.RouterStatusAsync("chat", s => Reason(s, "GatewayReady") == GatewayReasons.UnsupportedMatch, "the refusal");
        Assert.Equal("""spec.rules[1].match.taskComplexity: rule "gpt": taskComplexity is not supported when dataPlane is Gateway (Envoy matches the model and headers only)""",
            (string?)Condition(refused, "GatewayReady")!["message"]);
        Assert.Equal(("Failed", false), ((string?)refused["phase"], (bool)refused["gateway"]!["routeReady"]!));
        var warning = Assert.Single(await steps.EventsAsync("chat"), e => e.Reason == GatewayReasons.UnsupportedMatch);
        Assert.Equal("Warning", warning.Type);
        Assert.EndsWith("the gateway continues serving the last successfully compiled routes", warning.Note);
        Assert.Equal(route["metadata"]!["resourceVersion"]!.ToString(), (await steps.GetAsync(GatewayKinds.AIGatewayRoute, "chat"))!["metadata"]!["resourceVersion"]!.ToString());

        // Fixed, and without the cloud backend: its objects go, and so does the SecurityPolicy once JWT is dropped.
        await steps.ApplyAsync(steps.Router(change: s =>
        {
            s.Backends!.RemoveAt(1);
            s.Rules![1].Route!.Backends = ["lab"];
            s.Policy!.Auth = null;
        }));
        await Eventually.GetAsync(async () => await steps.NamesAsync(GatewayKinds.Backend), names => names.SequenceEqual(["chat-lab"]), what: "chat-cloud pruned");
        Assert.Equal(["chat-lab"], await steps.NamesAsync(GatewayKinds.AIServiceBackend));
        Assert.Empty(await steps.NamesAsync(GatewayKinds.SecurityPolicy));
        var ready = await steps.RouterStatusAsync("chat", s => Reason(s, "GatewayReady") == GatewayReasons.Exposed, "exposed again");
        Assert.False((bool)ready["gateway"]!["authEnabled"]!);
    }

    [GatewayApiServerFact]
    public async Task SwitchingToProxy_RemovesWhatWasGenerated_AndBackToGateway_ScalesOurFleetToZero()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("gw");
        var steps = new GatewaySteps(api, ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await steps.ApplyAsync(steps.Router(change: s => s.Policy = null));
        await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat");

        await steps.ApplyAsync(steps.Router(change: s => { s.Policy = null; s.DataPlane = "Proxy"; }));
        var deployment = await Eventually.GetAsync(() => api.Client.AppsV1.ListNamespacedDeploymentAsync(ns), d => d.Items.Count == 1, what: "our gateway fleet");
        Assert.Equal(2, deployment.Items[0].Spec.Replicas);
        foreach (var kind in GatewayKinds.ForRouter)
            await Eventually.GetAsync(async () => await steps.NamesAsync(kind), names => names.Count == 0, what: $"no {kind.Kind} left");
        var proxy = await steps.RouterStatusAsync("chat", s => s["gateway"] is null && (string?)s["endpoint"] is not null, "a Proxy-mode status");
        Assert.Null(Condition(proxy, "GatewayReady"));

        await steps.ApplyAsync(steps.Router(change: s => s.Policy = null));
        await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat");
        await Eventually.GetAsync(() => api.Client.AppsV1.ReadNamespacedDeploymentAsync("chat-router-proxy", ns), d => d.Spec.Replicas == 0, what: "our fleet scaled to zero");
    }

    /// <summary>
    /// Each refusal of a Gateway-mode spec, from one table: the API server's own schema refuses two of them at admission
    /// (CEL rules); the reconciler refuses the others with the GatewayReady reason and a Warning event, writing nothing.
    /// </summary>
    [GatewayApiServerFact]
    public async Task EachRefusal_IsAConditionAndAWarning_AndWritesNothing()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("gwr");
        var steps = new GatewaySteps(api, ns);
        (string Name, Action<ModelRouterSpec> Change, string Reason, string Path)[] table =
        [
            ("match", s => s.Rules![1].Match!.TaskComplexity = "complex", GatewayReasons.UnsupportedMatch, "spec.rules[1].match.taskComplexity"),
            ("usd", s => s.Policy!.Budgets![0].MaxUSD = "10", GatewayReasons.UnsupportedBudgetField, "spec.policy.budgets[0].maxUSD"),
            ("rule-scope", s => s.Policy!.Budgets![0] = new BudgetSpec { Name = "b", Scope = "rule", RuleName = "gpt", MaxTokens = 5 }, GatewayReasons.UnsupportedBudgetScope, "spec.policy.budgets[0].scope"),
            ("no-tokens", s => s.Policy!.Budgets![0].MaxTokens = null, GatewayReasons.InvalidBudget, "spec.policy.budgets[0].maxTokens"),
            ("no-claim", s => s.Policy!.Auth!.Jwt!.TeamClaim = null, GatewayReasons.InvalidAuth, "spec.policy.auth.jwt.teamClaim"),
            ("no-jwt", s => s.Policy!.Auth!.Jwt = null, GatewayReasons.AuthorizationRequiresJwt, "spec.policy.auth.allowlists"),
            ("twice", s => s.Policy!.Auth!.Allowlists!.Add(new TeamAllowlist { Team = "ml" }), GatewayReasons.InvalidAuthorization, "spec.policy.auth.allowlists[1].team"),
            ("audit", s => s.Policy!.AuditLog = new AuditLogPolicy { Sink = "stdout" }, GatewayReasons.UnsupportedAuditLog, "spec.policy.auditLog"),
            ("fleet", s => s.Proxy = new RouterProxySpec { Replicas = 3 }, GatewayReasons.UnsupportedField, "spec.proxy.replicas"),
            ("order", s => s.Rules![1].Match!.Headers = new() { ["x-team"] = "ml" }, GatewayReasons.RulePrecedenceConflict, "spec.rules[1]"),
            ("big", s => s.Rules!.AddRange(Enumerable.Range(0, 13).Select(i => new RouterRule { Name = $"r{i}", Match = new RuleMatch { Models = [$"m{i}"] }, Route = new RuleRoute { Backends = ["lab"] } })),
                GatewayReasons.RouteTooLarge, "spec.rules"),
        ];
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        foreach (var row in table) await steps.ApplyAsync(steps.Router(row.Name, row.Change));

        foreach (var row in table)
        {
            var status = await steps.RouterStatusAsync(row.Name, s => Reason(s, "GatewayReady") == row.Reason, $"{row.Name}: {row.Reason}");
            Assert.StartsWith(row.Path + ": ", (string?)Condition(status, "GatewayReady")!["message"]);
            Assert.Equal("False", (string?)Condition(status, "Validated")!["status"]);
            var events = await Eventually.GetAsync(async () => await steps.EventsAsync(row.Name), e => e.Any(x => x.Reason == row.Reason), what: $"{row.Name}: the Warning event");
            Assert.Equal("Warning", events.Single(e => e.Reason == row.Reason).Type);
        }
        foreach (var kind in GatewayKinds.ForRouter) Assert.Empty(await steps.NamesAsync(kind));

        (string Name, Action<ModelRouterSpec> Change, string Message)[] admission =
        [
            ("no-ref", s => s.GatewayRef = null, "spec.gatewayRef is required when spec.dataPlane is Gateway"),
            ("leak", s => s.Rules![0].Route!.Backends = ["lab", "cloud"], "a rule matching a sensitive dataClassification may route only to tier: local backends"),
        ];
        foreach (var (name, change, message) in admission)
        {
            var result = await api.KubectlWithInputAsync(Json(steps.Router(name, change)), "apply", "-f", "-");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(message, result.StdErr);
        }
    }
}
