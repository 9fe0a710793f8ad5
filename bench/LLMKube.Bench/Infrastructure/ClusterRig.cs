using LLMKube.Gateway.Hosting;
using LLMKube.Silo.Hosting;

namespace LLMKube.Bench.Infrastructure;

/// <summary>
/// One silo and any number of gateways in cluster mode, all in this process on 127.0.0.1, against a
/// throwaway Redis; the router comes from a resources file.
/// </summary>
public sealed class ClusterRig : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private ClusterRig(LocalRedis redis, string serviceId)
    {
        Redis = redis;
        ServiceId = serviceId;
    }

    public LocalRedis Redis { get; }
    public string ServiceId { get; }
    public List<WebApplication> Gateways { get; } = [];

    public static async Task<ClusterRig> StartAsync(string resourcesDirectory, int gateways, string router)
    {
        var redis = await LocalRedis.StartAsync();
        var rig = new ClusterRig(redis, "bench" + Guid.NewGuid().ToString("N")[..8]);
        var silo = SiloApp.Build([], new Dictionary<string, string?>
        {
            ["urls"] = $"http://127.0.0.1:{Ports.Free()}",
            ["Cluster:Redis"] = redis.Endpoint,
            ["Cluster:ServiceId"] = rig.ServiceId,
            ["Cluster:ClusterId"] = rig.ServiceId,
            ["Silo:SiloPort"] = Ports.Free().ToString(),
            ["Silo:GatewayPort"] = Ports.Free().ToString(),
            ["Silo:Resources"] = resourcesDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        }, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        await silo.StartAsync();
        rig._apps.Add(silo);
        for (var i = 0; i < gateways; i++)
        {
            var gateway = GatewayApp.Build([], new Dictionary<string, string?>
            {
                ["urls"] = $"http://127.0.0.1:{Ports.Free()}",
                ["Cluster:Redis"] = redis.Endpoint,
                ["Cluster:ServiceId"] = rig.ServiceId,
                ["Cluster:ClusterId"] = rig.ServiceId,
                ["Gateway:Router"] = router,
                ["Gateway:AuditLog"] = "/dev/null",
            }, builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
            await gateway.StartAsync();
            await gateway.Services.GetRequiredService<Gateway.Routing.RoutingState>().Ready.WaitAsync(TimeSpan.FromSeconds(30));
            rig._apps.Add(gateway);
            rig.Gateways.Add(gateway);
        }
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            try { await app.StopAsync(); } catch (Exception) { }
            await app.DisposeAsync();
        }
        await Redis.DisposeAsync();
    }
}
