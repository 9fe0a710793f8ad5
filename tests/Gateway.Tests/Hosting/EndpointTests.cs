using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Hosting;

public sealed class EndpointTests
{
    [Fact]
    public async Task ModelsHealthAndReadiness()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("a", upstream.Port) + $$"""
              - name: b
                displayName: friendly-b
                tier: local
                external: { provider: openai, url: "{{upstream.BaseAddress.ToString().TrimEnd('/')}}", model: b-model }

            """, specExtra: "defaultRoute: a"));

        var models = await host.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal("list", models.GetProperty("object").GetString());
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(new[] { "a-model", "friendly-b" }, ids);
        Assert.Equal("openai", models.GetProperty("data")[0].GetProperty("owned_by").GetString());

        using var health = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var ready = await host.Client.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("default/test", ready.GetProperty("router").GetString());
        Assert.Equal(1, ready.GetProperty("version").GetInt64());
        Assert.True(ready.GetProperty("snapshot").GetInt64() >= 1);
        await host.Logs.WaitForAsync(m => m.Contains("router default/test: config version 1 applied"));
    }

    [Fact]
    public async Task Readiness_ReportsTheConfigVersionTheLogsName_AfterAReload()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("a", upstream.Port), specExtra: "defaultRoute: a"));

        var result = await host.RewriteAsync(RouterYaml.Router(RouterYaml.Local("a", upstream.Port, "timeout: 30s"), specExtra: "defaultRoute: a"));
        Assert.True(result.Applied);
        await host.WaitForPlanAsync(p => p.Config.Version == 2);

        var ready = await host.Client.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal(2, ready.GetProperty("version").GetInt64());
        await host.Logs.WaitForAsync(m => m.Contains("router default/test: config version 2 applied"));
    }

    [Fact]
    public async Task BackendNameMatch_RoutesByPublishedId()
    {
        await using var a = await FakeUpstream.StartAsync();
        await using var b = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("a", a.Port) + RouterYaml.Local("b", b.Port), specExtra: "defaultRouteStrategy: BackendNameMatch\ndefaultRoute: a"));

        (await host.SendAsync("b")).Dispose();
        (await host.SendAsync("b-model")).Dispose(); // the upstream model is not a published id: default route
        Assert.Equal(1, b.RequestCount);
        Assert.Equal(1, a.RequestCount);
        var audit = await host.Audit.WaitForAsync(2);
        Assert.False(audit[0].TryGetProperty("rule", out _));
    }
}
