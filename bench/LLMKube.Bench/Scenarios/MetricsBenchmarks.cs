using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LLMKube.Gateway.Accounting;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Metrics;
using Perfolizer.Horology;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// What recording one request's metrics costs on the request path: <see cref="GatewayMetrics.Record"/> with an
/// OpenTelemetry meter provider listening (as in the gateway, Prometheus exporter included), for a streamed success
/// with usage and cost (every instrument) and for a refusal; the audit line's serialization beside it for scale.
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private ServiceProvider _services = null!;
    private GatewayMetrics _metrics = null!;
    private AuditLog _audit = null!;
    private RoutePlan _plan = null!;
    private AuditRecord _stream = null!;
    private AuditRecord _refused = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(GatewayMetrics.MeterName).AddPrometheusExporter());
        _services = services.BuildServiceProvider();
        _services.GetRequiredService<MeterProvider>();
        _audit = new AuditLog(Stream.Null, TimeProvider.System, NullLogger<AuditLog>.Instance);
        var routing = new RoutingState(null!, RoutingClock.System, null!, TimeProvider.System);
        _metrics = new GatewayMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), routing, RoutingClock.System, _audit);
        _plan = MatchingBenchmarks.BuildPlan(10);
        var request = new AuditRequest("default/bench", "0HN1:00000001", "/v1/chat/completions")
        {
            Model = "model-0", Classification = "internal", Stream = true, RequestBytes = 120, Rule = "exact-0", TimeoutMs = 120_000,
        };
        _stream = new AuditRecord
        {
            Request = request, Status = 200, Outcome = "ok_stream", Backend = "local-qwen", BackendTier = "local", LatencyMs = 3, DurationMs = 420,
            TtfbMs = 4, TtftMs = 5, ResponseBytes = 2048, Usage = new TokenUsage(12, 240, 252), CostUsd = 0.0012m,
            Attempts = [new AttemptRecord("cloud-opus", "upstream_error", 503, 2), new AttemptRecord("local-qwen", "ok", 200, 3)],
        };
        _refused = new AuditRecord { Request = request with { Rule = null }, Status = 503, Outcome = "no_route", DurationMs = 1 };
        // Every series exists before measuring, as in a gateway that has been serving for a while.
        _metrics.Record(_plan, _stream);
        _metrics.Record(_plan, _refused);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _audit.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public void AuditLine() => _audit.Write(_stream);

    [Benchmark]
    public void MetricsOfAStreamedSuccess() => _metrics.Record(_plan, _stream);

    [Benchmark]
    public void MetricsOfARefusal() => _metrics.Record(_plan, _refused);

    /// <summary>Runs in-process with a short job and returns the summary.</summary>
    public static Summary Run()
    {
        var job = Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithIterationTime(TimeInterval.FromMilliseconds(120))
            .WithIterationCount(6)
            .WithId("ShortRun-InProcess");
        var config = DefaultConfig.Instance
            .AddJob(job)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "llmkube-bench-artifacts"))
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared));
        return BenchmarkRunner.Run<MetricsBenchmarks>(config);
    }
}
