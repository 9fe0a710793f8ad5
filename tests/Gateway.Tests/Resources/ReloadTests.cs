using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Resources;

/// <summary>Resource files are re-read when they change; a bad change is refused and the last good config keeps serving.</summary>
public sealed class ReloadTests
{
    [Fact]
    public async Task GoodChange_IsAppliedLive()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("a", first.Port), specExtra: "defaultRoute: a"));

        var result = await host.RewriteAsync(RouterYaml.Router(RouterYaml.Local("a", second.Port), specExtra: "defaultRoute: a"));
        Assert.True(result.Applied, string.Join("\n", result.Problems));
        await host.WaitForPlanAsync(p => p.ByName["a"].Config.Address.EndsWith($":{second.Port}"));

        using var response = await host.SendAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, first.RequestCount);
        Assert.Equal(1, second.RequestCount);
    }

    [Fact]
    public async Task BadChange_IsRefusedWithEveryProblem_AndTheLastGoodConfigKeepsServing()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var good = RouterYaml.Router(RouterYaml.Local("a", upstream.Port), specExtra: "defaultRoute: a");
        await using var host = await GatewayHost.StartAsync(good);
        var version = host.Routing.Current!.Snapshot.Version;

        var result = await host.RewriteAsync(RouterYaml.Router(RouterYaml.Local("a", upstream.Port, "timeout: 10ms"),
            RouterYaml.Rule("r", "missing"), "defaultRoute: nowhere"));

        Assert.False(result.Applied);
        Assert.Contains(result.Problems, p => p.Contains("spec.backends[0].timeout"));
        Assert.Contains(result.Problems, p => p.Contains("spec.rules[0].route.backends[0]"));
        Assert.Contains(result.Problems, p => p.Contains("spec.defaultRoute"));
        Assert.Equal(version, host.Routing.Current!.Snapshot.Version);
        using var response = await host.SendAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var syntax = await host.RewriteAsync("apiVersion: inference.llmkube.dev/v1alpha1\nkind: ModelRouter\nmetadata: { name: test\n");
        Assert.False(syntax.Applied);
        Assert.Contains(syntax.Problems, p => p.Contains("resources.yaml:"));

        var fixedAgain = await host.RewriteAsync(good.Replace("defaultRoute: a", "defaultRoute: a\n  proxy: { quarantineDuration: 20s }"));
        Assert.True(fixedAgain.Applied, string.Join("\n", fixedAgain.Problems));
        await host.WaitForPlanAsync(p => p.Config.Timers.QuarantineDuration == TimeSpan.FromSeconds(20));
    }
}
