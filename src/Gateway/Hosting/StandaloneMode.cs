using System.Net;
using System.Net.Sockets;
using LLMKube.Gateway.Resources;
using LLMKube.Grains;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Resources;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Standalone mode: an Orleans silo in the gateway process (localhost clustering, in-memory grain storage),
/// fed from the resource files and reloaded when they change. The grains are the ones a cluster runs;
/// only their host differs.
/// </summary>
internal static class StandaloneMode
{
    public static WebApplicationBuilder AddStandaloneMode(this WebApplicationBuilder builder, GatewayMode mode)
    {
        var configured = builder.Configuration.GetValue<int?>($"{GatewayServerOptions.Section}:{nameof(GatewayServerOptions.SiloPort)}");
        var siloPort = configured is > 0 ? configured.Value : FreePort();
        builder.UseOrleans(silo =>
        {
            // Gateway port 0: no external clients in standalone mode; the gateway calls grains in-process.
            silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: "llmkube", clusterId: "standalone");
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.AddActivityPropagation();
            MembershipClock.Use(silo);
        });

        var gateway = builder.Configuration.GetSection(GatewayServerOptions.Section);
        builder.Services.AddOptions<ResourceSyncOptions>().Configure(sync =>
        {
            sync.Path = mode.Resources!.Source;
            sync.Initial = mode.Resources;
            sync.Debounce = gateway.GetValue(nameof(GatewayServerOptions.ReloadDebounce), sync.Debounce);
        });
        builder.Services.AddSingleton<IResourceConsumer, GatewayResources>();
        builder.Services.AddSingleton<ResourceSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceSync>());
        return builder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
