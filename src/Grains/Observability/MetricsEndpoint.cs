using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace LLMKube.Grains.Observability;

/// <summary><c>GET /metrics</c>: the Prometheus exposition of the process's meters (OpenTelemetry's exporter).</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Answers <see cref="Path"/> from the process's meter provider; other paths go on (all of them when metrics are off).</summary>
    public static IApplicationBuilder UseMetricsEndpoint(this IApplicationBuilder app)
        => app.ApplicationServices.GetService<MeterProvider>() is null ? app : app.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
}
