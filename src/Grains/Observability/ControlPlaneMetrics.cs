using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LLMKube.Grains.Observability;

/// <summary>
/// The Kubernetes control plane's health: reconciles (count, duration, errors) by kind and watch restarts by resource.
/// A reconciler grain calls <see cref="Reconciled"/> once per reconcile with what it took and whether it failed.
/// Static for the same reason as <see cref="BackendMetrics"/>.
/// </summary>
public static class ControlPlaneMetrics
{
    public const string MeterName = "LLMKube.ControlPlane";

    private static readonly Meter _meter = new(MeterName);

    private static readonly Counter<long> _reconciles = _meter.CreateCounter<long>("llmkube_reconcile_total",
        description: "Reconciles by kind and result (success or error); an error is retried.");

    private static readonly Histogram<double> _duration = _meter.CreateHistogram("llmkube_reconcile_duration_seconds", "s",
        "Time one reconcile took, writes to the API server included.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Seconds });

    private static readonly Counter<long> _watchRestarts = _meter.CreateCounter<long>("llmkube_watch_restarts_total",
        description: "Restarts of a list+watch loop by resource and reason: expired (410 Gone, relisted) or failed (error, backed off).");

    private static readonly Counter<long> _lists = _meter.CreateCounter<long>("llmkube_watch_lists_total",
        description: "Full lists of a watched resource: at start, after a 410 and at every resync.");

    /// <summary>Records one reconcile of <paramref name="kind"/> (e.g. <c>ModelRouter</c>) that began at <paramref name="started"/> (a stopwatch timestamp).</summary>
    public static void Reconciled(string kind, long started, bool failed)
    {
        _reconciles.Add(1, new TagList { { "kind", kind }, { "result", failed ? "error" : "success" } });
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { "kind", kind } });
    }

    /// <summary>Records that a watch of <paramref name="resource"/> (its plural) had to restart: <c>expired</c> or <c>failed</c>.</summary>
    public static void WatchRestarted(string resource, string reason)
        => _watchRestarts.Add(1, new TagList { { "resource", resource }, { "reason", reason } });

    /// <summary>Records a full list of <paramref name="resource"/>.</summary>
    public static void Listed(string resource) => _lists.Add(1, new TagList { { "resource", resource } });
}
