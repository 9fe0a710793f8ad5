using LLMKube.Grains.Api;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Tests.Fixtures;

namespace LLMKube.Grains.Tests.Routers;

/// <summary>The Router grain publishes every applied config to the RoutingTable, however many tries it takes.</summary>
public sealed class RouterGrainTests
{
    private static readonly ObjectKey Router = new("default", "test");

    /// <summary>Fails the next <see cref="Remaining"/> calls to <c>IRoutingTableGrain.Publish</c>, as an unreachable silo would.</summary>
    private sealed class PublishFaults
    {
        public int Remaining;
        public int Calls;

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IRoutingTableGrain.Publish))
            {
                Interlocked.Increment(ref Calls);
                if (Interlocked.Decrement(ref Remaining) >= 0) throw new TimeoutException("injected: routing table unreachable");
            }
            return context.Invoke();
        }
    }

    private static RouterConfig Config(string hash, string address) => new(
        Router, hash,
        [new BackendConfig("a", "a", BackendTier.Local, address, "openai", "m", [], 1, null, null, null, null)],
        [], "a", false, RouterSpecDefaults.DefaultClassificationHeader, ["pii"], RouterTimers.Default);

    [Fact]
    public async Task FailedPublish_IsRetriedWithBackoff_UntilTheRoutingTableHasTheConfig()
    {
        var faults = new PublishFaults();
        await using var silo = await TestSilo.StartAsync(s => s.AddIncomingGrainCallFilter(faults.Invoke));
        var router = silo.Grains.GetGrain<IRouterGrain>(Router.ToString());
        var table = silo.Grains.GetGrain<IRoutingTableGrain>(Router.ToString());
        await router.Apply(Config("v1", "http://127.0.0.1:1"));
        Assert.Equal("v1", (await table.GetSnapshot())!.Config.SpecHash);

        // The routing table is up with v1; the next two publishes fail.
        faults.Remaining = 2;
        Assert.Equal(2, await router.Apply(Config("v2", "http://127.0.0.1:2")));
        Assert.Equal("v1", (await table.GetSnapshot())!.Config.SpecHash);

        await TestSilo.Eventually(async () => (await table.GetSnapshot())!.Config.SpecHash == "v2", "v2 published by a retry");
        Assert.Equal(4, Volatile.Read(ref faults.Calls));
        Assert.Contains(silo.Logs, l => l.Contains("config version 2 not published to the routing table, retrying in") && l.Contains("injected"));
        Assert.Contains(silo.Logs, l => l.Contains("config version 2 published after 2 failed attempts"));
    }

    [Fact]
    public void PublishRetryDelay_DoublesFromHalfASecond_UpToThirtySeconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(500), RouterGrain.PublishRetryDelay(1));
        Assert.Equal(TimeSpan.FromSeconds(1), RouterGrain.PublishRetryDelay(2));
        Assert.Equal(TimeSpan.FromSeconds(16), RouterGrain.PublishRetryDelay(6));
        Assert.Equal(TimeSpan.FromSeconds(30), RouterGrain.PublishRetryDelay(7));
        Assert.Equal(TimeSpan.FromSeconds(30), RouterGrain.PublishRetryDelay(1000));
    }
}
