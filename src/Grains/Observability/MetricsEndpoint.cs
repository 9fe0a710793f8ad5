using Microsoft.AspNetCore.Builder;

namespace LLMKube.Grains.Observability;

/// <summary><c>GET /metrics</c>: the Prometheus exposition of the process's meters (OpenTelemetry's exporter).</summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Answers <see cref="Path"/> from the process's meter provider; other paths go on.</summary>
    public static IApplicationBuilder UseMetricsEndpoint(this IApplicationBuilder app)
        => app.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
}
