using System.Diagnostics;
using System.Net;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Kubernetes.Routers;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>
/// Health bridging end to end: a Gateway-mode router applied with kubectl, a real silo (the production composition with
/// the Kubernetes control plane on) and one of our gateway processes serving the same router through Redis. A backend
/// that gateway quarantines leaves the generated AIGatewayRoute within a second, and comes back after it recovers.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class GatewayHealthBridgingTests(ApiServerFixture api, RedisFixture redis) : IClassFixture<RedisFixture>
{
    [GatewayApiServerFact]
    public async Task ABackendQuarantinedByAGateway_LeavesTheGeneratedRoute_AndComesBackAfterRecovery()
    {
        await GatewayCrds.InstallAsync(api);
        await using var primary = await FakeUpstream.StartAsync();
        await using var secondary = await FakeUpstream.StartAsync();
        var ns = await api.CreateNamespaceAsync("bridge");
        var steps = new GatewaySteps(api, ns);
        var service = "t" + Guid.NewGuid().ToString("N")[..10];
        await steps.ApplyAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: chat, namespace: {{ns}} }
            spec:
              dataPlane: Gateway
              gatewayRef: { name: eg }
              backends:
              - name: primary
                tier: local
                external: { provider: openai, model: m, url: "http://127.0.0.1:{{primary.Port}}" }
              - name: secondary
                tier: local
                external: { provider: openai, model: m, url: "http://127.0.0.1:{{secondary.Port}}" }
              rules:
              - name: all
                route: { backends: [primary, secondary] }
              proxy:
                quarantineDuration: 2s
            """);
        await using var silo = await SiloHost.StartAsync(redis.Server, service, extra: new Dictionary<string, string?>
        {
            ["Silo:Kubernetes:Enabled"] = "true",
            ["Silo:Kubernetes:Kubeconfig"] = api.KubeconfigPath,
            ["Silo:Kubernetes:Namespaces:0"] = ns,
        });
        await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat", r => Refs(r).SequenceEqual(["chat-primary", "chat-secondary"]));
        await using var gateway = await GatewayHost.JoinAsync(redis.Server, service, $"{ns}/chat");
        var backend = silo.Grains.GetGrain<IBackendGrain>($"{ns}/chat/primary");

        // The primary resets the connection: the gateway falls back, and reports the failure to the primary's grain.
        primary.Behavior = Behavior.ResetConnection();
        using (var response = await gateway.SendAsync("hello"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (quarantined, ejectedAfter) = await TransitionThenRouteAsync(backend, h => !h.IsClosed, steps, r => Refs(r).SequenceEqual(["chat-secondary"]));
        Assert.True(ejectedAfter < TimeSpan.FromSeconds(1), $"the route dropped the quarantined backend {ejectedAfter.TotalMilliseconds:F0} ms after the grain's transition");
        var status = await steps.RouterStatusAsync("chat", s => s["gateway"]?["ejectedBackends"] is not null, "the ejection in status");
        Assert.Equal("primary", (string?)status["gateway"]!["ejectedBackends"]![0]!["name"]);
        Assert.StartsWith($"quarantined until {RouterStatusBuilder.Rfc3339(quarantined.OpenUntil)}", (string?)status["gateway"]!["ejectedBackends"]![0]!["reason"]);

        // Recovered: once the quarantine ends the route has it again, and the gateway's probe closes its circuit.
        primary.Behavior = Behavior.Json();
        await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat", r => Refs(r).SequenceEqual(["chat-primary", "chat-secondary"]));
        await Eventually.GetAsync(async () =>
        {
            using var response = await gateway.SendAsync("hello");
            return await backend.GetHealth();
        }, h => h.IsClosed, TimeSpan.FromSeconds(20), "the primary's circuit closed by a probe");
        await steps.RouterStatusAsync("chat", s => s["gateway"]?["ejectedBackends"] is null && (string?)s["phase"] == "Ready", "nothing ejected");
    }

    // Polls the grain and the route together: when the grain made its transition, and how long the route took to follow.
    private static async Task<(BackendHealth Health, TimeSpan RouteAfter)> TransitionThenRouteAsync(
        IBackendGrain backend, Func<BackendHealth, bool> transitioned, GatewaySteps steps, Func<System.Text.Json.Nodes.JsonObject, bool> routeFollowed)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan? at = null;
        BackendHealth? health = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (at is null && await backend.GetHealth() is var h && transitioned(h)) (at, health) = (clock.Elapsed, h);
            if (at is not null && await steps.GetAsync(GatewayKinds.AIGatewayRoute, "chat") is { } route && routeFollowed(route)) return (health!, clock.Elapsed - at.Value);
            await Task.Delay(20);
        }
        throw new TimeoutException(at is null ? "the backend's grain never made its transition" : "the route never followed the grain's transition");
    }

    private static List<string?> Refs(System.Text.Json.Nodes.JsonObject route)
        => [.. route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray().Select(r => (string?)r!["name"])];
}
