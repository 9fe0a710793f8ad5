using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LLMKube.Grains.Observability;

/// <summary>
/// The OpenTelemetry wiring every LLMKube process shares (gateway, silo, and the Mac agent when it comes): its meters
/// exposed for Prometheus at <c>/metrics</c> (mapped by the process on its admin listener), and, only when the
/// standard <c>OTEL_*</c> variables ask for it (<see cref="OtlpTracing"/>), its activity sources exported over OTLP.
/// </summary>
public static class ObservabilityDefaults
{
    /// <summary>.NET's own runtime meter (GC, memory, thread pool): observable only, read at scrape time.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The switch for metrics (default on): <c>false</c> records nothing and leaves <c>/metrics</c> unserved.</summary>
    public const string MetricsKey = "Telemetry:Metrics";

    /// <summary>The activity source of Orleans grain calls, when <c>AddActivityPropagation()</c> is on.</summary>
    public const string OrleansCallsSource = "Microsoft.Orleans.Application";

    /// <summary>
    /// Adds metrics for <paramref name="meters"/> (and the runtime's) unless <see cref="MetricsKey"/> is false, and OTLP
    /// tracing of <paramref name="sources"/> when the environment asks for it. <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>,
    /// <c>OTEL_TRACES_SAMPLER</c> and the exporter's own variables are read by OpenTelemetry itself.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder, string serviceName,
        IReadOnlyList<string> meters, IReadOnlyList<string> sources)
    {
        var telemetry = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            telemetry.ConfigureResource(resource => resource.AddService(serviceName));
        if (builder.Configuration.GetValue(MetricsKey, true))
        {
            telemetry.WithMetrics(metrics =>
            {
                foreach (var meter in meters) metrics.AddMeter(meter);
                metrics.AddMeter(RuntimeMeter);
                metrics.AddPrometheusExporter();
            });
        }
        if (OtlpTracing.Enabled(Environment.GetEnvironmentVariable))
        {
            telemetry.WithTracing(tracing =>
            {
                foreach (var source in sources) tracing.AddSource(source);
                tracing.AddOtlpExporter();
            });
        }
        return builder;
    }
}
