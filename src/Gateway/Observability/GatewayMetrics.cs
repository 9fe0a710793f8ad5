using System.Diagnostics;
using System.Diagnostics.Metrics;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Observability;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Observability;

/// <summary>
/// The data plane's metrics, recorded in one place from the audit record of each request (the values the dispatcher
/// computed anyway), plus gauges read from the routing plan at scrape time. Names follow LLMKube's
/// <c>llmkube_router_*</c> where its users know them and the OpenTelemetry GenAI conventions for tokens and latency.
/// Every label value comes from the router's configuration or a fixed set: never a request id or a raw client string.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "LLMKube.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _failClosed;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _usageMissing;
    private readonly Counter<long> _healthChecks;
    private readonly Counter<double> _cost;
    private readonly Histogram<double> _latency;
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _firstByte;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<long> _tokens;
    private volatile PlanLabels? _labels;

    public GatewayMetrics(IMeterFactory meters, RoutingState routing, RoutingClock clock, AuditLog audit)
    {
        var meter = meters.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Seconds };
        _requests = meter.CreateCounter<long>("llmkube_router_requests_total",
            description: "Requests routed (every audited request), by rule, relayed backend, classification and outcome.");
        _failClosed = meter.CreateCounter<long>("llmkube_router_fail_closed_total",
            description: "Requests refused by fail-closed policy (outcomes fail_closed and fail_closed_runtime).");
        _attempts = meter.CreateCounter<long>("llmkube_router_attempts_total",
            description: "Backends tried or skipped per request, by outcome (ok, upstream_error, rate_limited, timeout, connect_error, skipped_unhealthy, skipped_unavailable, ...).");
        _usageMissing = meter.CreateCounter<long>("llmkube_router_usage_missing_total",
            description: "Successful responses whose upstream reported no token usage (never counted as zero tokens).");
        _healthChecks = meter.CreateCounter<long>("llmkube_router_health_checks_total",
            description: "Active health checks this gateway ran, by result (passed or failed).");
        _cost = meter.CreateCounter<double>("llmkube_router_cost_usd_total",
            description: "Cost in USD of relayed requests, from the backend's costPerMillionTokens and the upstream's usage.");
        _latency = meter.CreateHistogram("llmkube_router_request_duration_seconds", "s",
            "Successful requests: time from request start to the relayed response headers (failed attempts included).", advice: seconds);
        _firstToken = meter.CreateHistogram("llmkube_router_first_token_seconds", "s",
            "Streamed requests: time to the first event carrying generated output.", advice: seconds);
        _firstByte = meter.CreateHistogram("llmkube_router_time_to_first_byte_seconds", "s",
            "Relayed responses: time to the first response body byte.", advice: seconds);
        _duration = meter.CreateHistogram("gen_ai.server.request.duration", "s",
            "Whole requests, body included, by operation and model; error.type is the outcome of a failed one.", advice: seconds);
        _timeToFirstToken = meter.CreateHistogram("gen_ai.server.time_to_first_token", "s",
            "Streamed requests: time to the first generated token, by operation and model.", advice: seconds);
        _tokens = meter.CreateHistogram("gen_ai.client.token.usage", "{token}",
            "Tokens the upstream reported per request (gen_ai.token.type: input or output).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = Buckets.Tokens });

        var gauges = new RoutingGauges(routing, clock);
        meter.CreateObservableGauge("llmkube_router_backend_health", gauges.Health,
            description: "1 while the backend's circuit is closed, 0 while it is open (quarantined, or waiting for its half-open probe).");
        meter.CreateObservableGauge("llmkube_router_circuit_state", gauges.CircuitState,
            description: "The backend's circuit as this gateway routes by it: 0 closed, 1 half-open (probe allowed), 2 open (quarantined).");
        meter.CreateObservableGauge("llmkube_router_backend_blocked", gauges.Blocked,
            description: "1 while the backend is out of rotation whatever its circuit says (its InferenceService is not serving, ...).");
        meter.CreateObservableGauge("llmkube_router_active_backends", gauges.ActiveBackends,
            description: "Backends in rotation (circuit closed, not blocked), by tier (local, cloud).");
        meter.CreateObservableGauge("llmkube_router_snapshot_age_seconds", gauges.SnapshotAge, "s",
            "Time since the routing table last confirmed this gateway's snapshot (a push or a version poll).");
        meter.CreateObservableGauge("llmkube_router_snapshot_version", gauges.SnapshotVersion,
            description: "Version of the routing snapshot in force; it moves with every config and backend health change.");
        meter.CreateObservableGauge("llmkube_router_config_version", gauges.ConfigVersion,
            description: "The router's config version in force.");
        meter.CreateObservableCounter("llmkube_router_audit_dropped_total", () => audit.DroppedTotal,
            description: "Audit lines dropped because the audit output could not keep up.");
    }

    /// <summary>Records one finished request from its audit record.</summary>
    public void Record(RoutePlan plan, AuditRecord record)
    {
        var labels = Labels(plan);
        var request = record.Request;
        var router = request.Router;
        var rule = request.Rule ?? "";
        var backend = record.Backend ?? "";
        var outcome = record.Outcome;
        var classification = labels.Classification(request.Classification);
        var operation = GenAiOperation.Of(request.Path);
        var model = labels.Model(request.Rule, request.Model);

        _requests.Add(1, new TagList { { "router", router }, { "rule", rule }, { "backend", backend }, { "classification", classification }, { "outcome", outcome } });
        var relayed = record.Backend is not null;
        if (outcome is "fail_closed" or "fail_closed_runtime")
            _failClosed.Add(1, new TagList { { "router", router }, { "rule", rule }, { "classification", classification } });
        var attempts = record.Attempts;
        for (var i = 0; i < attempts.Count; i++)
            _attempts.Add(1, new TagList { { "router", router }, { "backend", attempts[i].Backend }, { "outcome", attempts[i].Outcome } });

        _duration.Record(record.DurationMs / 1000.0, outcome is "ok" or "ok_stream"
            ? new TagList { { "gen_ai.operation.name", operation }, { "gen_ai.request.model", model }, { "router", router } }
            : new TagList { { "gen_ai.operation.name", operation }, { "gen_ai.request.model", model }, { "router", router }, { "error.type", outcome } });
        if (!relayed) return;

        _latency.Record(record.LatencyMs / 1000.0, new TagList { { "router", router }, { "rule", rule }, { "backend", backend } });
        if (record.TtfbMs is { } ttfb) _firstByte.Record(ttfb / 1000.0, new TagList { { "router", router }, { "backend", backend } });
        if (record.TtftMs is { } ttft)
        {
            _firstToken.Record(ttft / 1000.0, new TagList { { "router", router }, { "backend", backend } });
            _timeToFirstToken.Record(ttft / 1000.0, new TagList { { "gen_ai.operation.name", operation }, { "gen_ai.request.model", model }, { "router", router } });
        }
        if (record.UsageMissing) _usageMissing.Add(1, new TagList { { "router", router }, { "backend", backend } });
        if (record.Usage is { } usage)
        {
            var provider = plan.ByName.TryGetValue(backend, out var runtime) ? runtime.Config.Provider ?? "llmkube" : "llmkube";
            var tags = new TagList
            {
                { "gen_ai.operation.name", operation }, { "gen_ai.provider.name", provider }, { "gen_ai.request.model", model },
                { "gen_ai.token.type", "input" }, { "router", router }, { "rule", rule }, { "backend", backend },
            };
            _tokens.Record(usage.Prompt, tags);
            tags[3] = new KeyValuePair<string, object?>("gen_ai.token.type", "output");
            _tokens.Record(usage.Completion, tags);
        }
        if (record.CostUsd is { } cost) _cost.Add((double)cost, new TagList { { "router", router }, { "rule", rule }, { "backend", backend } });
    }

    /// <summary>Counts a health check this gateway ran against <paramref name="backend"/>.</summary>
    public void HealthCheck(string router, string backend, bool passed)
        => _healthChecks.Add(1, new TagList { { "router", router }, { "backend", backend }, { "result", passed ? "passed" : "failed" } });

    // One reference comparison per request; a new plan builds its labels once (two threads may both build: harmless).
    private PlanLabels Labels(RoutePlan plan)
    {
        var labels = _labels;
        if (labels is not null && ReferenceEquals(labels.Plan, plan)) return labels;
        return _labels = new PlanLabels(plan);
    }
}
