using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Cluster;

/// <summary>Backend circuit state lives in Redis: it survives a restart of every silo, per backend.</summary>
public sealed class PersistenceTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task CircuitState_SurvivesASiloRestart_AndStaysWithItsOwnBackend()
    {
        var redis = fixture.Server;
        var service = "t" + Guid.NewGuid().ToString("N")[..10];
        var resources = Directory.CreateTempSubdirectory("llmkube-persist-").FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "router.yaml"), RouterYaml.Router(
            RouterYaml.Local("flaky", 1) + RouterYaml.Local("primary", 2), RouterYaml.Rule("all", "flaky, primary"),
            "proxy: { quarantineDuration: 10m }"));

        var silo = await SiloHost.StartAsync(redis, service, resources);
        var flaky = silo.Grains.GetGrain<IBackendGrain>("default/test/flaky");
        await flaky.Report(new AttemptReport(AttemptVerdict.Failure, "flaky returned 500", null, "test"));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await flaky.GetHealth()).IsClosed && DateTime.UtcNow < deadline) await Task.Delay(20);
        await silo.DisposeAsync();

        await using var restarted = await SiloHost.StartAsync(redis, service, resources);
        var flakyAfter = await restarted.Grains.GetGrain<IBackendGrain>("default/test/flaky").GetHealth();
        var primaryAfter = await restarted.Grains.GetGrain<IBackendGrain>("default/test/primary").GetHealth();
        Assert.Equal(CircuitState.Open, flakyAfter.State);
        Assert.Equal("flaky returned 500", flakyAfter.LastError);
        Assert.True(primaryAfter.IsClosed, primaryAfter.ToString());
    }

    [Fact]
    public async Task ConfigChange_WhileRedisIsDown_IsServedFromMemory()
    {
        var redis = fixture.Server;
        var service = "t" + Guid.NewGuid().ToString("N")[..10];
        var resources = Directory.CreateTempSubdirectory("llmkube-persist-").FullName;
        var file = Path.Combine(resources, "router.yaml");
        string Router(string quarantine) => RouterYaml.Router(RouterYaml.Local("a", 1), specExtra: $"defaultRoute: a\nproxy: {{ quarantineDuration: {quarantine} }}");
        await File.WriteAllTextAsync(file, Router("15s"));
        await using var silo = await SiloHost.StartAsync(redis, service, resources);
        await using var gateway = await GatewayHost.JoinAsync(redis, service, "default/test");

        await redis.StopAsync();
        await File.WriteAllTextAsync(file, Router("42s"));

        await gateway.WaitForPlanAsync(p => p.Config.Timers.QuarantineDuration == TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(15));
        await silo.Logs.WaitForAsync(m => m.Contains("config not persisted, served from memory"));
        await redis.StartAgainAsync();
    }

    [Fact]
    public async Task SpecChange_ResetsTheCircuitOfAMovedBackend_AndNothingElse()
    {
        var redis = fixture.Server;
        var service = "t" + Guid.NewGuid().ToString("N")[..10];
        var resources = Directory.CreateTempSubdirectory("llmkube-persist-").FullName;
        var file = Path.Combine(resources, "router.yaml");
        string Router(int movedPort, string quarantine) => RouterYaml.Router(
            RouterYaml.Local("moved", movedPort) + RouterYaml.Local("stays", 2), RouterYaml.Rule("all", "moved, stays"),
            $"proxy: {{ quarantineDuration: {quarantine} }}");
        await File.WriteAllTextAsync(file, Router(1, "10m"));
        await using var silo = await SiloHost.StartAsync(redis, service, resources);
        var moved = silo.Grains.GetGrain<IBackendGrain>("default/test/moved");
        var stays = silo.Grains.GetGrain<IBackendGrain>("default/test/stays");
        foreach (var grain in new[] { moved, stays })
            await grain.Report(new AttemptReport(AttemptVerdict.Failure, "down", null, "test"));
        await WaitAsync(async () => !(await moved.GetHealth()).IsClosed && !(await stays.GetHealth()).IsClosed);

        // A new quarantine duration is a new generation but the same upstreams: both stay quarantined.
        await File.WriteAllTextAsync(file, Router(1, "20m"));
        await silo.Logs.WaitForAsync(m => m.Contains("config version 2 applied"));
        Assert.False((await moved.GetHealth()).IsClosed);
        Assert.False((await stays.GetHealth()).IsClosed);

        // "moved" now points elsewhere: its circuit starts closed; "stays" keeps its quarantine.
        await File.WriteAllTextAsync(file, Router(3, "20m"));
        await silo.Logs.WaitForAsync(m => m.Contains("config version 3 applied"));
        Assert.True((await moved.GetHealth()).IsClosed);
        Assert.False((await stays.GetHealth()).IsClosed);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}
