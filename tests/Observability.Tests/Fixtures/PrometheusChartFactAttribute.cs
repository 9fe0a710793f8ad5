using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>A test that renders the chart and loads what it renders into Prometheus's tools.</summary>
public sealed class PrometheusChartFactAttribute : FactAttribute
{
    public PrometheusChartFactAttribute()
    {
        if (!PrometheusServer.Found) Skip = PrometheusServer.SkipReason;
        else if (!ChartRenderer.Found) Skip = ChartRenderer.SkipReason;
    }
}
