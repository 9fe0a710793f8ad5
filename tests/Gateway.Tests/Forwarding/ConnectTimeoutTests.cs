using System.Diagnostics;
using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task BlackHoledPrimary_FailsOverAfterConnectTimeout_NotAfterTheHeaderBudget()
    {
        using var hole = new BlackHole();
        Assert.True(hole.Swallows(TimeSpan.FromMilliseconds(300)), "the kernel answered a SYN on a full accept queue");
        await using var secondary = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("primary", hole.Port) + RouterYaml.Local("secondary", secondary.Port),
            RouterYaml.Rule("all", "primary, secondary", extra: "timeout: 60s"),
            "proxy: { connectTimeout: 300ms }"));

        var watch = Stopwatch.StartNew();
        using var response = await host.SendAsync();
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Bounded by the router's connectTimeout (300 ms), not by the 5 s default nor the 60 s header budget.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}: the router's connectTimeout was not applied");
        var audit = (await host.Audit.WaitForAsync(1))[0];
        Assert.Equal("connect_error", audit.GetProperty("attempts")[0].GetProperty("outcome").GetString());
        // A connect failure quarantines.
        using var next = await host.SendAsync();
        Assert.Equal("skipped_unhealthy", (await host.Audit.WaitForAsync(2))[1].GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }
}
