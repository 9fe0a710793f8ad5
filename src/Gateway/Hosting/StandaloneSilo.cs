using System.Net;
using System.Net.Sockets;
using LLMKube.Grains;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Standalone mode: an Orleans silo in the gateway process, with localhost clustering and in-memory
/// grain storage. The grains are the same ones a cluster runs; only their host differs.
/// </summary>
internal static class StandaloneSilo
{
    public static void AddStandaloneSilo(this WebApplicationBuilder builder)
    {
        var siloPort = builder.Configuration.GetValue<int?>("Gateway:SiloPort") is { } port and > 0 ? port : FreePort();
        builder.UseOrleans(silo =>
        {
            // Gateway port 0: no external clients in standalone mode; the gateway calls grains in-process.
            silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: "llmkube", clusterId: "standalone");
            silo.AddMemoryGrainStorage(StorageNames.Default);
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
