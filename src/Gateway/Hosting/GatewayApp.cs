using LLMKube.Gateway.Observability;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Observability;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Composition of the gateway process: shared defaults, the data plane, then either a co-hosted silo fed
/// from resource files (standalone) or an Orleans client of a Redis-membership cluster; metrics and health on
/// the admin listener.
/// </summary>
public static class GatewayApp
{
    /// <summary>Where <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> are served unless <c>--admin-urls</c> says otherwise.</summary>
    public const string DefaultAdminUrls = "http://127.0.0.1:9090";

    /// <summary>Builds the application. <paramref name="configure"/> lets tests replace services (clock, audit output).</summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults(args, settings, drainsRequests: true);
        var mode = GatewayMode.Resolve(builder.Configuration);
        builder.AddAdminListener(DefaultAdminUrls);
        builder.AddGatewayCore(mode);
        if (mode.Standalone) builder.AddStandaloneMode(mode);
        else builder.AddClusterClient();
        // Standalone co-hosts the grains, so their cluster-wide metrics (circuit transitions, probe leases) are its own.
        builder.AddObservability("llmkube-gateway",
            mode.Standalone ? [GatewayMetrics.MeterName, BackendMetrics.MeterName] : [GatewayMetrics.MeterName],
            [GatewayTracing.SourceName, ObservabilityDefaults.OrleansCallsSource]);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapAdminListener();
        app.MapDefaultEndpoints();
        app.MapGatewayEndpoints();
        return app;
    }
}
