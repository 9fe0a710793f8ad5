using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Kubernetes.Routers;
using static LLMKube.Grains.Tests.Kubernetes.Gateways.GatewayRouters;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

public sealed class GatewayRouterStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true, GatewayReasons.Exposed, "Ready", "True")]
    [InlineData(false, GatewayReasons.CrdsNotInstalled, "Pending", "False")]
    [InlineData(false, GatewayReasons.ReconcileFailed, "Provisioning", "False")]
    [InlineData(false, GatewayReasons.UnsupportedMatch, "Failed", "False")]
    public void ThePhase_AndGatewayReady_FollowTheOutcome(bool ready, string reason, string phase, string condition)
    {
        var router = Valid();
        var outcome = new GatewayOutcome(ready, reason, "m", "gateway envoy/eg", Rules: 3);

        var status = GatewayRouterStatusBuilder.Build(new RouterObservation(router, [], null, false), Config(router), null, outcome, null, Now);

        Assert.Equal(phase, status.Phase);
        var gatewayReady = status.Conditions.Single(c => c.Type == "GatewayReady");
        Assert.Equal((condition, reason), (gatewayReady.Status, gatewayReady.Reason));
        Assert.Equal(ready ? 3 : 0, (int)status.Status["activeRules"]!);
        Assert.Equal(ready, (bool)status.Status["gateway"]!["routeReady"]!);
        Assert.Null(status.Status["endpoint"]);
    }

    [Fact]
    public void EjectedBackends_AreListedWithWhy_AndTheRouterIsDegraded()
    {
        var router = Valid();
        var outcome = new GatewayOutcome(true, GatewayReasons.Exposed, "m", "gateway envoy/eg", AuthEnabled: false, Ejected: [new EjectedBackend("local", "InferenceService team/qwen is Failed")], Rules: 3);
        var health = new Dictionary<string, BackendHealth> { ["local"] = BackendHealth.Healthy with { Blocked = "InferenceService team/qwen is Failed" } };

        var status = GatewayRouterStatusBuilder.Build(new RouterObservation(router, [], null, false), Config(router), health, outcome, null, Now);

        Assert.Equal("Degraded", status.Phase);
        Assert.Equal(
            """{"routeReady":true,"endpoint":"gateway envoy/eg","authEnabled":false,"ejectedBackends":[{"name":"local","reason":"InferenceService team/qwen is Failed"}]}""",
            status.Status["gateway"]!.ToJsonString());
        Assert.Equal("False", status.Conditions.Single(c => c.Type == "BackendsReady").Status);
    }
}
