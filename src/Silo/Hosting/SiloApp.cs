using LLMKube.Grains.Hosting;
using LLMKube.Grains.Observability;
using LLMKube.Silo.Kubernetes;
using LLMKube.Silo.Webhooks;

namespace LLMKube.Silo.Hosting;

/// <summary>
/// Composition of a silo process: shared defaults, Orleans with Redis membership and grain storage, the
/// resource file source when <c>--resources</c> is given, the Kubernetes control plane and the admission webhook when enabled, and the
/// admin endpoints: health, <c>/metrics</c> and the dashboard.
/// </summary>
public static class SiloApp
{
    /// <summary>Orleans' own meter: grain activations, messaging, membership.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplication Build(string[] args, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults(args, settings, drainsRequests: false);
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new SiloOptions();
        builder.AddSiloCore(silo);
        if (silo.Resources is { } path) builder.AddResourceFiles(path);
        builder.AddKubernetesControlPlane();
        builder.AddAdmissionWebhook();
        builder.AddObservability("llmkube-silo", [BackendMetrics.MeterName, ControlPlaneMetrics.MeterName, SiloApp.OrleansMeter],
            [ObservabilityDefaults.OrleansCallsSource]);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSiloEndpoints();
        return app;
    }
}
