using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Gateway.Tests.Mock;

namespace LLMKube.Gateway.Tests.Hosting;

/// <summary>
/// The gateway's admin listener: <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> on its own port; the data-plane
/// port never serves metrics (it keeps its health endpoints, which the Kubernetes probes use).
/// </summary>
public sealed class AdminListenerTests
{
    [Fact]
    public async Task Metrics_OnTheAdminPortOnly_HealthOnBoth()
    {
        await using var host = await GatewayHost.StartAsync(MockHttp.Router(MockHttp.Backend("echo")));
        using (var routed = await host.Client.SendAsync(Chat.Request("echo"))) Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        using var admin = new HttpClient { BaseAddress = host.AdminAddress };
        Assert.NotEqual(host.BaseAddress.Port, host.AdminAddress!.Port);

        var metrics = await admin.GetStringAsync("/metrics");
        Assert.Contains("llmkube_router_requests_total{", metrics);
        Assert.Contains("router=\"default/test\"", metrics);
        using (var dataPlane = await host.Client.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.NotFound, dataPlane.StatusCode);
            Assert.Equal("not_found", (await Chat.ErrorAsync(dataPlane)).Code);
        }
        foreach (var client in new[] { admin, host.Client })
        {
            using var health = await client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"status\":\"ready\"", await ready.Content.ReadAsStringAsync());
        }
        // The admin port routes nothing.
        using (var chat = await admin.SendAsync(Chat.Request("echo"))) Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
    }

    [Fact]
    public async Task MetricsOff_NothingIsServedAtMetrics_HealthStays()
    {
        await using var host = await GatewayHost.StartAsync(MockHttp.Router(MockHttp.Backend("echo")),
            settings: new Dictionary<string, string?> { ["Telemetry:Metrics"] = "false" });
        using (var routed = await host.Client.SendAsync(Chat.Request("echo"))) Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
        using var admin = new HttpClient { BaseAddress = host.AdminAddress };
        using (var metrics = await admin.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        using (var ready = await admin.GetAsync("/readyz")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task None_TurnsTheAdminListenerOff()
    {
        await using var host = await GatewayHost.StartAsync(MockHttp.Router(MockHttp.Backend("echo")),
            settings: new Dictionary<string, string?> { ["Admin:Urls"] = "none" });
        Assert.Null(host.AdminAddress);
        using var routed = await host.Client.SendAsync(Chat.Request("echo"));
        Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
    }
}
