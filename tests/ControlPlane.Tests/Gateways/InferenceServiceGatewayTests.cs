using System.Text.Json;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.ControlPlane.Tests.Reconcilers;
using LLMKube.Grains.Kubernetes.Gateways;
using static LLMKube.ControlPlane.Tests.Gateways.GatewaySteps;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>InferenceServices on the gateway: exposed on their own (endpoint.gateway), and as Gateway-mode router backends that follow readiness.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class InferenceServiceGatewayTests(ApiServerFixture api)
{
    [GatewayApiServerFact]
    public async Task ExposureOn_CreatesTheThreeObjects_AndOff_RemovesThem()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("expose");
        var service = new InferenceServiceSteps(api, ns);
        var gateway = new GatewaySteps(api, ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await service.ModelAsync();
        await service.ServiceAsync("  endpoint:\n    port: 8000\n    gateway: { enabled: true, modelName: qwen-chat, gatewayRef: { name: eg } }");

        var status = await service.StatusWhereAsync(s => s.TryGetProperty("gateway", out var g) && g.GetProperty("routeReady").GetBoolean(), "exposed");
        Assert.Equal("qwen-chat", status.GetProperty("gateway").GetProperty("modelName").GetString());
        Assert.Equal($"gateway {ns}/eg", status.GetProperty("gateway").GetProperty("endpoint").GetString());
        var ready = status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == "GatewayReady");
        Assert.Equal(("True", "Exposed", $"model \"qwen-chat\" exposed via gateway {ns}/eg"),
            (ready.GetProperty("status").GetString(), ready.GetProperty("reason").GetString(), ready.GetProperty("message").GetString()));
        foreach (var kind in GatewayKinds.ForInferenceService) Assert.Equal(["qwen"], await gateway.NamesAsync(kind));
        var backend = (await gateway.GetAsync(GatewayKinds.Backend, "qwen"))!;
        Assert.Equal($"qwen.{ns}.svc.cluster.local", (string?)backend["spec"]!["endpoints"]![0]!["fqdn"]!["hostname"]);
        Assert.Equal(8000, (int)backend["spec"]!["endpoints"]![0]!["fqdn"]!["port"]!);
        Assert.Equal("InferenceService", (string?)backend["metadata"]!["ownerReferences"]![0]!["kind"]);
        var route = (await gateway.GetAsync(GatewayKinds.AIGatewayRoute, "qwen"))!;
        Assert.Equal("qwen-chat", (string?)route["spec"]!["rules"]![0]!["matches"]![0]!["headers"]![0]!["value"]);

        await service.ServiceAsync("  endpoint:\n    port: 8000\n    gateway: { enabled: false, gatewayRef: { name: eg } }");
        foreach (var kind in GatewayKinds.ForInferenceService)
            await Eventually.GetAsync(async () => await gateway.NamesAsync(kind), n => n.Count == 0, what: $"the {kind.Kind} removed");
        var off = await service.StatusWhereAsync(s => !s.TryGetProperty("gateway", out _), "status.gateway gone");
        Assert.DoesNotContain(off.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "GatewayReady");
    }

    [GatewayApiServerFact]
    public async Task ABackendWhoseServiceIsNotServing_LeavesTheRoute_AndReturnsWhenItIsReady()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("eject");
        var service = new InferenceServiceSteps(api, ns);
        var gateway = new GatewaySteps(api, ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        await service.ModelAsync();
        await service.ServiceAsync("");
        await gateway.ApplyAsync(gateway.Router(change: s =>
        {
            s.Policy = null;
            s.Backends![0] = new() { Name = "local", InferenceServiceRef = new() { Name = "qwen" } };
            s.Rules![0].Route!.Backends = ["local"];
            s.Rules[1].Route!.Backends = ["local", "cloud"];
            s.DefaultRoute = "local";
        }));

        // qwen is still Creating: its backend leaves the model rule; the fail-closed pii rule loses it too; the default keeps its only one.
        var ejected = await gateway.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat", r => Refs(r, 1).SequenceEqual(["chat-cloud"]));
        Assert.Empty(Refs(ejected, 0));
        Assert.Equal(["chat-local"], Refs(ejected, 2));
        var status = await gateway.RouterStatusAsync("chat", s => s["gateway"]?["ejectedBackends"] is not null, "ejected in status");
        Assert.Equal($"InferenceService {ns}/qwen is Creating", (string?)status["gateway"]!["ejectedBackends"]![0]!["reason"]);
        Assert.Equal("Degraded", (string?)status["phase"]);

        await service.DeploymentReadyAsync("qwen", 1);
        var restored = await gateway.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat", r => Refs(r, 1).SequenceEqual(["chat-local", "chat-cloud"]));
        Assert.Equal(["chat-local"], Refs(restored, 0));
        await gateway.RouterStatusAsync("chat", s => s["gateway"]?["ejectedBackends"] is null && (string?)s["phase"] == "Ready", "nothing ejected");
        Assert.Contains(await gateway.EventsAsync("chat"), e => e is ("Warning", "BackendEjected", _));
        Assert.Contains(await gateway.EventsAsync("chat"), e => e is ("Normal", "BackendRestored", _));
    }

    private static List<string?> Refs(System.Text.Json.Nodes.JsonObject route, int rule)
        => [.. route["spec"]!["rules"]![rule]!["backendRefs"]!.AsArray().Select(r => (string?)r!["name"])];
}
