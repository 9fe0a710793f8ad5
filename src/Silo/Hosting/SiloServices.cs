using System.Net;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Observability;
using LLMKube.Grains.Resources;
using LLMKube.Silo.Dashboard;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace LLMKube.Silo.Hosting;

/// <summary>The silo's services: Orleans itself, the resource file source, readiness and the admin endpoints (metrics, dashboard).</summary>
internal static partial class SiloServices
{
    public static WebApplicationBuilder AddSiloCore(this WebApplicationBuilder builder, SiloOptions silo)
    {
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (string.IsNullOrWhiteSpace(cluster.Redis))
            throw new OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings), ["--redis (Cluster:Redis) is required: the silo keeps membership and grain state in Redis"]);

        builder.Services.Configure<ClusterSettings>(builder.Configuration.GetSection(ClusterSettings.Section));
        builder.Services.TryAddSingleton(RoutingClock.System);
        builder.Services.AddSingleton<IReadinessCheck, SiloReadiness>();

        var redis = cluster.RedisConfiguration();
        builder.UseOrleans(orleans =>
        {
            orleans.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            orleans.UseRedisClustering(o => o.ConfigurationOptions = redis);
            orleans.AddRedisGrainStorage(StorageNames.Default, o => o.ConfigurationOptions = redis);
            if (InKubernetes()) orleans.UseKubernetesHosting();
            else
            {
                var address = IPAddress.Parse(silo.AdvertisedAddress);
                // A loopback silo (local development) listens on loopback only; any other address on all interfaces.
                orleans.ConfigureEndpoints(address, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            }
            orleans.AddIncomingGrainCallFilter<ClusterTokenIncomingFilter>();
            orleans.AddOutgoingGrainCallFilter<ClusterTokenOutgoingFilter>();
            // Grain calls carry the caller's trace context; free while no tracer listens.
            orleans.AddActivityPropagation();
            builder.AddDashboard(orleans);
            // Failure detection timing (ProbeTimeout, NumMissedProbesLimit, ...) may be tuned under Silo:Membership.
            orleans.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection($"{SiloOptions.Section}:Membership"));
            MembershipClock.Use(orleans);
        });
        return builder;
    }

    /// <summary>Reads the resource files before the host starts (an invalid set stops the process at once) and applies them once Orleans runs.</summary>
    public static WebApplicationBuilder AddResourceFiles(this WebApplicationBuilder builder, string path)
    {
        var initial = CompiledResources.Load(path);
        if (!initial.Succeeded) throw new ResourceLoadException(initial.RefusalMessage());
        builder.Services.AddOptions<ResourceSyncOptions>().Configure(o =>
        {
            o.Path = path;
            o.Initial = initial;
        });
        builder.Services.AddSingleton<ResourceSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceSync>());
        return builder;
    }

    public static WebApplication MapSiloEndpoints(this WebApplication app)
    {
        var cluster = app.Services.GetRequiredService<IOptions<ClusterSettings>>().Value;
        if (string.IsNullOrEmpty(cluster.Token)) LogNoToken(app.Logger);
        app.UseMetricsEndpoint();
        app.MapDashboard();
        return app;
    }

    private static bool InKubernetes()
        => Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null
           && Environment.GetEnvironmentVariable("POD_NAME") is not null
           && Environment.GetEnvironmentVariable("POD_IP") is not null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "no cluster token configured (Cluster:Token): this silo accepts grain calls from any client that can reach it")]
    private static partial void LogNoToken(ILogger logger);
}
