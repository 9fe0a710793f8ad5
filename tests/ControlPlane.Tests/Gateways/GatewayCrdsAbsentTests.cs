using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.ControlPlane.Tests.Reconcilers;
using LLMKube.Grains.Kubernetes.Gateways;
using static LLMKube.ControlPlane.Tests.Gateways.GatewaySteps;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>
/// Gateway mode before Envoy AI Gateway is installed. The CRDs are shared by the collection's API server, so this test
/// removes them and installs them again itself; tests in one collection never run at once.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class GatewayCrdsAbsentTests(ApiServerFixture api)
{
    [GatewayApiServerFact]
    public async Task WithoutTheCrds_TheConditionSaysSo_NothingIsWritten_AndInstallingThemLaterConverges()
    {
        await GatewayCrds.UninstallAsync(api);
        try
        {
            var ns = await api.CreateNamespaceAsync("nocrd");
            var steps = new GatewaySteps(api, ns);
            var service = new InferenceServiceSteps(api, ns);
            await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], configure: o =>
            {
                o.GatewayCrdRecheck = TimeSpan.FromMilliseconds(200);
                o.GatewayCrdMaxRecheck = TimeSpan.FromSeconds(1);
            });
            await steps.ApplyAsync(steps.Router(change: s => s.Policy = null));
            await service.ModelAsync();
            await service.ServiceAsync("  endpoint:\n    gateway: { enabled: true, gatewayRef: { name: eg } }");

            var waiting = await steps.RouterStatusAsync("chat", s => Reason(s, "GatewayReady") == GatewayReasons.CrdsNotInstalled, "GatewayCRDsNotInstalled");
            Assert.Equal("Pending", (string?)waiting["phase"]);
            Assert.StartsWith("the API server does not serve Backend (gateway.envoyproxy.io/v1alpha1), AIServiceBackend (aigateway.envoyproxy.io/v1beta1)",
                (string?)Condition(waiting, "GatewayReady")!["message"]);
            Assert.False((bool)waiting["gateway"]!["routeReady"]!);
            var isvc = await service.StatusWhereAsync(s => s.GetProperty("conditions").EnumerateArray().Any(c =>
                c.GetProperty("type").GetString() == "GatewayReady" && c.GetProperty("reason").GetString() == GatewayReasons.CrdsNotInstalled), "the service waits too");
            Assert.False(isvc.GetProperty("gateway").GetProperty("routeReady").GetBoolean());
            // Nothing was written: no write failed, and our own gateway fleet was not started instead.
            Assert.DoesNotContain(await steps.EventsAsync("chat"), e => e.Reason == GatewayReasons.ReconcileFailed);
            Assert.Empty((await api.Client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: "inference.llmkube.dev/model-router")).Items);

            await GatewayCrds.InstallAsync(api);
            await steps.RouterStatusAsync("chat", s => Reason(s, "GatewayReady") == GatewayReasons.Exposed, "exposed once installed", TimeSpan.FromSeconds(30));
            Assert.Contains("chat", await steps.NamesAsync(GatewayKinds.AIGatewayRoute));
            await Eventually.GetAsync(async () => await steps.NamesAsync(GatewayKinds.AIGatewayRoute), n => n.Contains("qwen"), TimeSpan.FromSeconds(30), "the service's route once installed");
            // One warning while waiting, however many times the silo looked again.
            Assert.Single(await steps.EventsAsync("chat"), e => e.Reason == GatewayReasons.CrdsNotInstalled);
        }
        finally
        {
            await GatewayCrds.InstallAsync(api);
        }
    }
}
