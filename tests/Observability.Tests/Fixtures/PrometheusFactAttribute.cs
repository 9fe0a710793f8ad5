namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>A test that needs the real Prometheus (and promtool); skipped, saying how to install it, where it is missing.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (!PrometheusServer.Found) Skip = PrometheusServer.SkipReason;
    }
}
