namespace LLMKube.Grains.Observability;

/// <summary>
/// Whether spans are exported: only when the standard OpenTelemetry variables ask for an OTLP exporter. Otherwise no
/// tracer provider exists, nothing listens to the activity sources, and starting a span costs one check.
/// </summary>
public static class OtlpTracing
{
    /// <summary>
    /// True when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> is set or
    /// <c>OTEL_TRACES_EXPORTER</c> is <c>otlp</c>; false when <c>OTEL_SDK_DISABLED</c> is <c>true</c> or
    /// <c>OTEL_TRACES_EXPORTER</c> names no OTLP exporter (e.g. <c>none</c>).
    /// </summary>
    public static bool Enabled(Func<string, string?> environment)
    {
        if (string.Equals(environment("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase)) return false;
        var exporters = environment("OTEL_TRACES_EXPORTER");
        if (!string.IsNullOrWhiteSpace(exporters))
            return exporters.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
        return !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
               || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }
}
