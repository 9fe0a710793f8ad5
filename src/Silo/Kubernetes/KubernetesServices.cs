using k8s;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;
using LLMKube.Grains.Kubernetes.Routers;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Kubernetes;

/// <summary>Composition of the Kubernetes control plane: the API client, the writer grains use, and the watches.</summary>
public static class KubernetesServices
{
    /// <summary>Adds the control plane when <c>Silo:Kubernetes:Enabled</c> is true; in-cluster config unless a kubeconfig is given.</summary>
    public static WebApplicationBuilder AddKubernetesControlPlane(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(KubernetesOptions.Section);
        var settings = section.Get<KubernetesOptions>() ?? new KubernetesOptions();
        if (!settings.Enabled) return builder;
        if (settings.AgentHeartbeatTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{KubernetesOptions.Section}:{nameof(KubernetesOptions.AgentHeartbeatTimeout)} must be positive (got {settings.AgentHeartbeatTimeout})");
        builder.Services.Configure<KubernetesOptions>(section);
        builder.Services.AddSingleton(_ =>
        {
            var config = settings.Kubeconfig is { Length: > 0 } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.InClusterConfig();
            return new k8s.Kubernetes(config);
        });
        builder.Services.AddSingleton<IKubernetes>(sp => sp.GetRequiredService<k8s.Kubernetes>());
        builder.Services.AddSingleton<IKubernetesWriter, KubernetesWriter>();
        builder.Services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterSettings>>().Value;
            return new GatewaySettings(settings.GatewayImage, cluster.Redis!, cluster.ClusterId, cluster.ServiceId, settings.ClusterTokenSecret);
        });
        builder.Services.AddSingleton(new InferenceServiceSettings(settings.ModelDownloaderImage, settings.AgentHeartbeatTimeout));
        builder.Services.AddWatchDispatchers();
        builder.Services.AddSingleton<KubernetesControlPlane>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KubernetesControlPlane>());
        return builder;
    }

    /// <summary>The dispatchers that turn watched changes into grain observations, one per kind we reconcile.</summary>
    public static IServiceCollection AddWatchDispatchers(this IServiceCollection services)
    {
        services.AddSingleton<IWatchDispatcher, ModelRouterDispatcher>();
        services.AddSingleton<IWatchDispatcher, InferenceServiceDispatcher>();
        return services;
    }
}
