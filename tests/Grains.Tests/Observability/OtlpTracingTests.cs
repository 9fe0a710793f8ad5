using LLMKube.Grains.Observability;

namespace LLMKube.Grains.Tests.Observability;

public sealed class OtlpTracingTests
{
    [Theory]
    [InlineData("", false)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", true)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector:4318/v1/traces", true)]
    [InlineData("OTEL_TRACES_EXPORTER=otlp", true)]
    [InlineData("OTEL_TRACES_EXPORTER=console,otlp", true)]
    [InlineData("OTEL_TRACES_EXPORTER=none|OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", false)]
    [InlineData("OTEL_SDK_DISABLED=true|OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", false)]
    [InlineData("OTEL_SDK_DISABLED=false|OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317", true)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT= ", false)]
    [InlineData("OTEL_SERVICE_NAME=gateway", false)]
    public void Enabled_OnlyWhenTheStandardVariablesAskForAnOtlpExporter(string variables, bool enabled)
    {
        var environment = variables.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);
        Assert.Equal(enabled, OtlpTracing.Enabled(name => environment.GetValueOrDefault(name)));
    }
}
