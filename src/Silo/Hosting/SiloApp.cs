using System.Net;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Resources;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace LLMKube.Silo.Hosting;

/// <summary>
/// Composition of a silo process: Orleans with Redis membership and grain storage, Kubernetes hosting
/// when running in a pod, the cluster-token filter, the resource file source, and an admin listener
/// with <c>/healthz</c>, <c>/readyz</c> and the Orleans dashboard.
/// </summary>
public static class SiloApp
{
    public static WebApplication Build(string[] args, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddEnvironmentVariables("LLMKUBE_");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
            throw new OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings), ["--redis (Cluster:Redis) is required: the silo keeps membership and grain state in Redis"]);

        builder.Services.Configure<ClusterSettings>(builder.Configuration.GetSection(ClusterSettings.Section));
        builder.Services.AddSingleton(Grains.Backends.RoutingClock.System);
        builder.Services.AddOptions<ResourceSyncOptions>().Configure(o => o.Path = silo.Resources);
        builder.Services.AddSingleton<ResourceSync>();
        builder.Services.AddSingleton<SiloReadiness>();

        var redis = cluster.RedisConfiguration();
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            orleans.UseRedisClustering(o => o.ConfigurationOptions = redis);
            orleans.AddRedisGrainStorage(Grains.StorageNames.Default, o => o.ConfigurationOptions = redis);
            if (InKubernetes()) orleans.UseKubernetesHosting();
            else
            {
                var address = IPAddress.Parse(silo.AdvertisedAddress);
                // A loopback silo (local development) listens on loopback only; any other address on all interfaces.
                orleans.ConfigureEndpoints(address, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            }
            orleans.AddIncomingGrainCallFilter<ClusterTokenIncomingFilter>();
            orleans.AddOutgoingGrainCallFilter<ClusterTokenOutgoingFilter>();
            orleans.AddDashboard();
            // Failure detection timing (ProbeTimeout, NumMissedProbesLimit, ...) may be tuned under Silo:Membership.
            orleans.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{SiloOptions.Section}:Membership"));
        });
        configure?.Invoke(builder);
        if (silo.Resources is not null) builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceSync>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloReadiness>());

        var app = builder.Build();
        if (string.IsNullOrEmpty(cluster.Token))
            app.Logger.LogWarning("no cluster token configured (Cluster:Token): this silo accepts grain calls from any client that can reach it");
        app.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        app.MapGet("/readyz", (SiloReadiness readiness) => readiness.IsReady
            ? Results.Text("{\"status\":\"ready\"}", "application/json")
            : Results.Text("{\"status\":\"not_ready\"}", "application/json", statusCode: 503));
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        return app;
    }

    private static bool InKubernetes()
        => Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null
           && Environment.GetEnvironmentVariable("POD_NAME") is not null
           && Environment.GetEnvironmentVariable("POD_IP") is not null;
}
