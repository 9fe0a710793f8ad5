using System.Diagnostics;
using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Gateway.Tests.Mock;
using LLMKube.Grains.Cluster;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>One redis-server for the cluster shutdown drills; a drill that stops it starts it again.</summary>
public sealed class ClusterShutdownRedis : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}

/// <summary>
/// SIGTERM on real silo and cluster-mode gateway processes: a silo leaves the cluster gracefully (its entry
/// is marked dead while the other silo keeps serving), a gateway exits 0 at once, and a silo whose Redis is
/// gone still exits within its own bound.
/// </summary>
public sealed class ClusterShutdownTests(ClusterShutdownRedis fixture) : IClassFixture<ClusterShutdownRedis>
{
    private const string Router = "default/test";
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(30);
    private readonly string _service = "t" + Guid.NewGuid().ToString("N")[..10];

    private RedisServer Redis => fixture.Redis;

    private Dictionary<string, string> ClusterEnvironment => new()
    {
        ["LLMKUBE_Cluster__ServiceId"] = _service,
        ["LLMKUBE_Cluster__ClusterId"] = _service,
    };

    private Task<ServiceProcess> StartSiloAsync(int siloPort, string? resources = null, params string[] settings)
        => ServiceProcess.SiloAsync(
            ["--redis", Redis.Endpoint, "--silo-port", siloPort.ToString(), "--gateway-port", Ports.Free().ToString(),
             .. resources is null ? Array.Empty<string>() : ["--resources", resources], .. settings],
            environment: ClusterEnvironment);

    // Mock backends answer in-process; the second one changes the model list the gateway serves.
    private static string MockRouter(bool second) => MockHttp.Router(MockHttp.Backend("echo") + (second ? MockHttp.Backend("second") : ""));

    [Fact]
    public async Task Sigterm_SiloLeavesTheClusterGracefully_TheOtherSiloKeepsServing_AndTheClusterGatewayExitsZero()
    {
        var resources = Directory.CreateTempSubdirectory("llmkube-leave-").FullName;
        var file = Path.Combine(resources, "router.yaml");
        await File.WriteAllTextAsync(file, MockRouter(second: false));
        int portA = Ports.Free(), portB = Ports.Free();
        var starting = new[] { StartSiloAsync(portA, resources), StartSiloAsync(portB, resources) };
        await Task.WhenAll(starting);
        await using var siloA = await starting[0];
        await using var siloB = await starting[1];
        await using var gateway = await ServiceProcess.GatewayAsync(["--redis", Redis.Endpoint, "--router", Router], environment: ClusterEnvironment);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var models = await client.GetStringAsync("/v1/models");
        Assert.Contains("echo-model", models);
        Assert.DoesNotContain("second-model", models);

        // Silo A leaves: exit 0 at once, and the cluster (silo B's view) records it as dead, not merely missing.
        await AssertStopsAsync(siloA, TimeSpan.FromSeconds(10));
        var members = await MembershipAsync();
        Assert.Equal(SiloStatus.Dead, members.Single(m => m.Key.Endpoint.Port == portA).Value);
        Assert.Equal(SiloStatus.Active, members.Single(m => m.Key.Endpoint.Port == portB).Value);

        // The cluster still works end to end: a changed resource reaches the gateway through silo B.
        await File.WriteAllTextAsync(file, MockRouter(second: true));
        await WaitAsync(async () => (await client.GetStringAsync("/v1/models")).Contains("second-model", StringComparison.Ordinal),
            () => $"the gateway never listed the new model:\n{siloB.Stderr}\n{gateway.Stderr}");
        using (var served = await client.SendAsync(Chat.Request("anything")))
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        using (var ready = await client.GetAsync("/readyz"))
            Assert.Contains("\"status\":\"ready\"", await ready.Content.ReadAsStringAsync());

        await AssertStopsAsync(gateway, TimeSpan.FromSeconds(5));
        await AssertStopsAsync(siloB, TimeSpan.FromSeconds(10));
        Directory.Delete(resources, recursive: true);
    }

    [Fact]
    public async Task Sigterm_WhileTheGatewayStillLooksForItsCluster_IsAStopNotAFailedStart()
    {
        // No silo in this cluster: the gateway listens (not ready) and keeps retrying, as during a rollout.
        await using var gateway = await ServiceProcess.GatewayAsync(["--redis", Redis.Endpoint, "--router", Router], waitReady: false,
            environment: ClusterEnvironment);
        await gateway.WaitForLogAsync("cluster not reachable yet, retrying", _patience);

        await AssertStopsAsync(gateway, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("failed to start", gateway.Stderr);
        Assert.DoesNotContain(gateway.StderrLines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_WithRedisGone_SiloExitsWithinItsStopTimeout()
    {
        var stopTimeout = TimeSpan.FromSeconds(2);
        await using var silo = await StartSiloAsync(Ports.Free(), null, "--Shutdown:StopTimeout=00:00:02");
        await Redis.StopAsync();
        try
        {
            // Orleans cannot record its leaving; the process must not wait for Redis past its stop budget.
            await AssertStopsAsync(silo, stopTimeout + TimeSpan.FromSeconds(5));
            Assert.Contains("stop not finished within its budget of 2 s", silo.Stderr);
        }
        finally
        {
            await Redis.StartAgainAsync();
        }
    }

    private static async Task AssertStopsAsync(ServiceProcess process, TimeSpan bound)
    {
        var started = Stopwatch.GetTimestamp();
        await process.SignalAsync("TERM");
        Assert.True(await process.WaitForExitAsync(bound), $"still running {bound} after SIGTERM:\n{process.Stderr}");
        Assert.Equal(0, process.ExitCode);
        Assert.True(Stopwatch.GetElapsedTime(started) < bound);
    }

    /// <summary>The membership as the cluster reports it, through a plain Orleans client.</summary>
    private async Task<Dictionary<SiloAddress, SiloStatus>> MembershipAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = _service; o.ServiceId = _service; });
            client.UseRedisClustering(o => o.ConfigurationOptions = new ClusterSettings { Redis = Redis.Endpoint }.RedisConfiguration());
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            return await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_patience.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException(failure());
            await Task.Delay(100);
        }
    }
}
