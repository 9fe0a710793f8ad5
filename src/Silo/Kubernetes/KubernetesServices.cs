using k8s;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Kubernetes.InferenceServices;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        var problems = SourcePolicy(settings).Problems();
        if (problems.Count > 0) throw new OptionsValidationException(KubernetesOptions.Section, typeof(KubernetesOptions), problems);
        if (settings.GatewayCrdRecheck <= TimeSpan.Zero || settings.GatewayCrdMaxRecheck < settings.GatewayCrdRecheck)
            throw new InvalidOperationException($"{KubernetesOptions.Section}:{nameof(KubernetesOptions.GatewayCrdRecheck)} must be positive and at most {nameof(KubernetesOptions.GatewayCrdMaxRecheck)} (got {settings.GatewayCrdRecheck} and {settings.GatewayCrdMaxRecheck})");
        if (settings.AgentHeartbeatTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException($"{KubernetesOptions.Section}:{nameof(KubernetesOptions.AgentHeartbeatTimeout)} must be positive (got {settings.AgentHeartbeatTimeout})");
        builder.Services.Configure<KubernetesOptions>(section);
        builder.Services.AddKubernetesClient(settings);
        builder.Services.AddSingleton<IKubernetesWriter, KubernetesWriter>();
        builder.Services.AddSingleton(sp =>
        {
            var cluster = sp.GetRequiredService<IOptions<ClusterSettings>>().Value;
            return new GatewaySettings(settings.GatewayImage, cluster.Redis!, cluster.ClusterId, cluster.ServiceId, cluster.Token);
        });
        builder.Services.AddSingleton(new InferenceServiceSettings(settings.ModelDownloaderImage, settings.AgentHeartbeatTimeout));
        builder.Services.AddGatewayMode(settings);
        builder.Services.AddWatchDispatchers();
        builder.Services.AddSingleton<KubernetesControlPlane>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KubernetesControlPlane>());
        return builder;
    }

    /// <summary>
    /// The API client, once for whoever needs it first (the control plane, the admission webhook): the in-cluster service
    /// account unless <see cref="KubernetesOptions.Kubeconfig"/> names a file.
    /// </summary>
    public static IServiceCollection AddKubernetesClient(this IServiceCollection services, KubernetesOptions settings)
    {
        services.TryAddSingleton(_ =>
        {
            var config = settings.Kubeconfig is { Length: > 0 } path
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
                : KubernetesClientConfiguration.InClusterConfig();
            return new k8s.Kubernetes(config);
        });
        services.TryAddSingleton<IKubernetes>(sp => sp.GetRequiredService<k8s.Kubernetes>());
        return services;
    }

    /// <summary>What Gateway mode's reconcilers need: API discovery of the gateway kinds and how often to look for them again.</summary>
    public static IServiceCollection AddGatewayMode(this IServiceCollection services, KubernetesOptions settings)
    {
        services.AddSingleton(new GatewayModeSettings(settings.GatewayCrdRecheck, settings.GatewayCrdMaxRecheck));
        services.AddSingleton<IGatewayApiDiscovery, GatewayApiDiscovery>();
        return services;
    }

    /// <summary>
    /// The dispatchers that turn watched changes into grain observations, one per kind we reconcile, and what their
    /// grains need from the silo's options (the Model source policy and header reader).
    /// </summary>
    public static IServiceCollection AddWatchDispatchers(this IServiceCollection services)
    {
        services.AddSingleton<IWatchDispatcher, ModelRouterDispatcher>();
        services.AddSingleton<IWatchDispatcher, InferenceServiceDispatcher>();
        services.AddSingleton<IWatchDispatcher, ModelDispatcher>();
        services.TryAddSingleton(sp => SourcePolicy(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value));
        services.TryAddSingleton<IModelHeaderReader>(sp => new HttpModelHeaderReader(
            sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.ModelHeaderTimeout,
            sp.GetRequiredService<ILogger<HttpModelHeaderReader>>()));
        return services;
    }

    /// <summary>Which Model sources the silo allows, from its options: the webhook and the reconciler judge alike.</summary>
    public static ModelSourcePolicy SourcePolicy(KubernetesOptions settings)
        => new([.. settings.AllowedHostPathRoots], [.. settings.AllowedRemoteHosts]);
}
