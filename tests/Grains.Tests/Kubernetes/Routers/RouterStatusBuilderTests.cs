using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Kubernetes.Routers;

public sealed class RouterStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static ModelRouter Router(long generation = 4) => new()
    {
        Metadata = new ObjectMeta { Name = "r", Namespace = "ns", Uid = "u", Generation = generation },
        Spec = new ModelRouterSpec
        {
            Backends =
            [
                new RouterBackend { Name = "local", External = new ExternalProvider { Provider = "openai", Model = "m", Url = "http://127.0.0.1:9" }, Tier = "local" },
                new RouterBackend { Name = "cloud", External = new ExternalProvider { Provider = "openai", Model = "m", Url = "http://127.0.0.1:10" } },
            ],
            Rules = [new RouterRule { Name = "all", Route = new RuleRoute { Backends = ["local", "cloud"] } }],
        },
    };

    private static RouterConfig Config(ModelRouter router)
    {
        var compiled = RouterCompiler.Compile(router, ResourceSet.Empty);
        Assert.Empty(compiled.Errors);
        return compiled.Config!;
    }

    [Theory]
    [InlineData(null, "Provisioning", "False")]
    [InlineData(1, "Provisioning", "False")]
    [InlineData(2, "Ready", "True")]
    public void ThePhase_FollowsTheGatewayDeployment(int? ready, string phase, string available)
    {
        var router = Router();
        var status = RouterStatusBuilder.Build(new RouterObservation(router, [], ready, ready is not null), Config(router), null, null, Now);
        Assert.Equal(phase, status.Phase);
        Assert.Equal(available, status.Conditions.Single(c => c.Type == "Available").Status);
        Assert.Equal(4, (long)status.Status["observedGeneration"]!);
        Assert.Equal(1, (int)status.Status["activeRules"]!);
    }

    [Fact]
    public void AnInvalidSpec_IsFailed_WithEveryProblemAndItsPath()
    {
        var status = RouterStatusBuilder.Build(new RouterObservation(Router(), ["spec.rules[0].route.backends[1]: unknown backend \"x\""], 2, true), null, null, null, Now);
        Assert.Equal("Failed", status.Phase);
        var validated = status.Conditions.Single(c => c.Type == "Validated");
        Assert.Equal(("False", "SpecInvalid"), (validated.Status, validated.Reason));
        Assert.Contains("spec.rules[0].route.backends[1]", validated.Message);
        Assert.Null(status.Status["backends"]);
    }

    [Fact]
    public void AQuarantinedBackend_ShowsUntilWhen_AndDegradesTheRouter()
    {
        var router = Router();
        var health = new Dictionary<string, BackendHealth>
        {
            ["local"] = BackendHealth.Healthy with { State = CircuitState.Open, OpenUntil = Now.AddSeconds(30), LastError = "connect_error", Transitions = 1 },
        };
        var status = RouterStatusBuilder.Build(new RouterObservation(router, [], 2, true), Config(router), health, null, Now);

        Assert.Equal("Degraded", status.Phase);
        var backends = status.Status["backends"]!.AsArray().Select(b => b!.AsObject()).ToList();
        var local = backends.Single(b => (string)b["name"]! == "local");
        Assert.Equal("Quarantined", (string)local["state"]!);
        Assert.False((bool)local["healthy"]!);
        Assert.Equal("2026-12-02T12:00:30Z", (string)local["quarantinedUntil"]!);
        Assert.Equal("connect_error", (string)local["lastError"]!);
        var cloud = backends.Single(b => (string)b["name"]! == "cloud");
        Assert.True((bool)cloud["healthy"]!);
        Assert.Null(cloud["quarantinedUntil"]);
    }

    [Fact]
    public void ABlockedBackend_IsUnavailable_WithItsReason_AndDegradesTheRouter()
    {
        var router = Router();
        var health = new Dictionary<string, BackendHealth>
        {
            ["local"] = BackendHealth.Healthy with { Blocked = "InferenceService ns/q is Creating", Transitions = 1 },
        };
        var status = RouterStatusBuilder.Build(new RouterObservation(router, [], 2, true), Config(router), health, null, Now);

        Assert.Equal("Degraded", status.Phase);
        var local = status.Status["backends"]!.AsArray().Select(b => b!.AsObject()).Single(b => (string)b["name"]! == "local");
        Assert.Equal(("Unavailable", false, "InferenceService ns/q is Creating"), ((string)local["state"]!, (bool)local["healthy"]!, (string)local["reason"]!));
        var ready = status.Conditions.Single(c => c.Type == "BackendsReady");
        Assert.Equal(("False", "BackendsUnavailable", "unavailable: local"), (ready.Status, ready.Reason, ready.Message));
    }

    [Fact]
    public void AnUnchangedCondition_KeepsItsTransitionTime()
    {
        var router = Router();
        var first = RouterStatusBuilder.Build(new RouterObservation(router, [], 2, true), Config(router), null, null, Now);
        var second = RouterStatusBuilder.Build(new RouterObservation(router, [], 1, true), Config(router), null, first.Conditions, Now.AddMinutes(5));

        Assert.Equal(Now, second.Conditions.Single(c => c.Type == "Validated").LastTransitionTime);
        Assert.Equal(Now.AddMinutes(5), second.Conditions.Single(c => c.Type == "Available").LastTransitionTime);
    }

    [Fact]
    public void ConditionsAreWritten_InMetav1ConditionShape()
    {
        var router = Router();
        var status = RouterStatusBuilder.Build(new RouterObservation(router, [], 2, true), Config(router), null, null, Now);
        var condition = status.Status["conditions"]!.AsArray()[0]!.AsObject();
        Assert.Equal(["type", "status", "reason", "message", "lastTransitionTime", "observedGeneration"], condition.Select(p => p.Key));
        Assert.Equal("2026-12-02T12:00:00Z", (string)condition["lastTransitionTime"]!);
        _ = KubeCondition.Next(null, "X", true, "R", "m", Now, 1);
        Assert.IsType<JsonArray>(status.Status["conditions"]);
    }
}
