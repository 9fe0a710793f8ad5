using System.Net;
using k8s;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Silo.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// A real Orleans silo in the test process (localhost clustering, memory storage) running the production grains
/// and the Kubernetes control plane against the test API server. Several of them form one cluster when started
/// with the first one's port, as silos in separate pods do.
/// </summary>
public sealed class ControlPlaneSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private ControlPlaneSilo(IHost host, int siloPort)
    {
        _host = host;
        SiloPort = siloPort;
    }

    public int SiloPort { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public KubernetesControlPlane ControlPlane => _host.Services.GetRequiredService<KubernetesControlPlane>();

    public static readonly GatewaySettings Gateway = new("registry.local/llmkube-orleans-gateway:test", "redis.test:6379", "cid", "sid", "cluster-token-of-the-test");

    /// <summary>Starts a silo watching <paramref name="namespaces"/>; <paramref name="configure"/> changes its control-plane options.</summary>
    /// <param name="identity">Who the control plane acts as; the fixture's admin when null.</param>
    /// <param name="clock">The routing clock (breakers, condition times, metal heartbeat expiry); real time when null.</param>
    public static async Task<ControlPlaneSilo> StartAsync(ApiServerFixture api, string serviceId, IReadOnlyList<string> namespaces, ControlPlaneSilo? primary = null,
        Action<KubernetesOptions>? configure = null, KubernetesClientConfiguration? identity = null, RoutingClock? clock = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var client = new k8s.Kubernetes(identity ?? KubernetesClientConfiguration.BuildConfigFromConfigFile(api.KubeconfigPath));
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<IKubernetes>(client);
        builder.Services.AddSingleton(clock ?? RoutingClock.System);
        builder.Services.AddSingleton(InferenceServiceSettings.Default);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IKubernetesWriter, KubernetesWriter>();
        builder.Services.AddSingleton(Gateway);
        var options = new KubernetesOptions
        {
            Enabled = true,
            Namespaces = [.. namespaces],
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        builder.Services.AddSingleton<IOptions<KubernetesOptions>>(Options.Create(options));
        builder.Services.AddGatewayMode(options);
        builder.Services.AddWatchDispatchers();
        builder.Services.AddSingleton<KubernetesControlPlane>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KubernetesControlPlane>());
        var siloPort = Ports.Free();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, Ports.Free(), primary is null ? null : new IPEndPoint(IPAddress.Loopback, primary.SiloPort), serviceId, serviceId);
            silo.AddMemoryGrainStorage(StorageNames.Default);
            MembershipClock.Use(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new ControlPlaneSilo(host, siloPort);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _host.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }
}
