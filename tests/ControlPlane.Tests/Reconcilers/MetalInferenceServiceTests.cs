using k8s;
using System.Globalization;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Backends;
using Microsoft.Extensions.Time.Testing;
using static LLMKube.ControlPlane.Tests.Reconcilers.InferenceServiceSteps;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>
/// A metal InferenceService: no pods, a selector-less Service, readiness from the Mac agent's EndpointSlices and their
/// heartbeat. The silo's routing clock is fake, so the heartbeat expires exactly when the test moves it.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class MetalInferenceServiceTests(ApiServerFixture api)
{
    private static string Slice(string ns, DateTimeOffset heartbeat, bool ready = true) => $$"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: qwen-mac
          namespace: {{ns}}
          labels: { kubernetes.io/service-name: qwen, llmkube.ai/managed-by: metal-agent }
          annotations: { llmkube.ai/agent-heartbeat: "{{heartbeat.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}" }
        addressType: IPv4
        endpoints:
        - addresses: ["100.64.0.7"]
          conditions: { ready: {{(ready ? "true" : "false")}} }
        ports:
        - { name: http, port: 52011, protocol: TCP }
        """;

    [ApiServerFact]
    public async Task AFreshHeartbeat_MakesItReady_AndItsExpiry_MakesItStale_WithoutAnyWrite()
    {
        var ns = await api.CreateNamespaceAsync("metal");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddTicks(-(DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerSecond)));
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], clock: new RoutingClock(clock));
        var steps = new InferenceServiceSteps(api, ns);
        await steps.ModelAsync(accelerator: "metal");
        await steps.ServiceAsync("  endpoint: { port: 8080 }");

        var waiting = await steps.StatusWhereAsync(s => Text(s, "schedulingStatus") == "WaitingForMetalAgent", "WaitingForMetalAgent");
        Assert.Equal("Creating", Phase(waiting));
        var service = await api.Client.CoreV1.ReadNamespacedServiceAsync("qwen", ns);
        Assert.Null(service.Spec.Selector);
        Assert.Equal("http", service.Spec.Ports.Single().Name);
        Assert.Null(await steps.DeploymentAsync());

        await steps.ApplyAsync(Slice(ns, clock.GetUtcNow()));
        var ready = await steps.StatusWhereAsync(s => Phase(s) == "Ready", "phase Ready");
        Assert.Equal("1", Text(ready, "readyReplicas"));
        Assert.Null(Text(ready, "schedulingStatus")); // ours is dropped once the decision has none

        clock.Advance(TimeSpan.FromMinutes(3));

        var stale = await steps.StatusWhereAsync(s => Text(s, "schedulingStatus") == "AgentHeartbeatStale", "AgentHeartbeatStale");
        Assert.Equal(("Creating", "0"), (Phase(stale), Text(stale, "readyReplicas")));

        // The agent comes back: a new heartbeat.
        await steps.ApplyAsync(Slice(ns, clock.GetUtcNow()));
        await steps.StatusWhereAsync(s => Phase(s) == "Ready", "Ready again");
    }

    [ApiServerFact]
    public async Task PodOnlyFields_OnAMetalModel_FailWithTheirPaths()
    {
        var ns = await api.CreateNamespaceAsync("metal");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        var steps = new InferenceServiceSteps(api, ns);
        await steps.ModelAsync(accelerator: "metal");
        await steps.ServiceAsync("  tolerations: [{ key: gpu, operator: Exists }]");

        var failed = await steps.StatusWhereAsync(s => Phase(s) == "Failed", "phase Failed");
        Assert.Contains("spec.tolerations", failed.ToString());
    }
}
