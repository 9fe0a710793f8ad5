using System.Diagnostics;
using LLMKube.Gateway.Accounting;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Health;
using LLMKube.Grains.Routing;
using Microsoft.Net.Http.Headers;

namespace LLMKube.Gateway.Observability;

/// <summary>
/// Spans of the data plane: one server span per routed request (a child of the client's <c>traceparent</c>), one
/// client span per backend tried or skipped. Attribute names follow LLMKube's (<c>routing.*</c>) and the GenAI
/// conventions (<c>gen_ai.*</c>). With no tracer provider listening (the default), every method returns at its
/// first check and nothing is allocated.
/// </summary>
internal static class GatewayTracing
{
    public const string SourceName = "LLMKube.Gateway";

    private static readonly ActivitySource _source = new(SourceName);

    /// <summary>Starts the request's server span; null when nothing listens.</summary>
    public static Activity? StartRequest(HttpContext context)
    {
        if (!_source.HasListeners()) return null;
        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers[HeaderNames.TraceParent].ToString(), headers[HeaderNames.TraceState].ToString(), isRemote: true, out var parent);
        var path = context.Request.Path.Value ?? "";
        var span = _source.StartActivity($"POST {path}", ActivityKind.Server, parent);
        if (span is null) return null;
        span.SetTag("http.request.method", "POST");
        span.SetTag("url.path", path);
        span.SetTag("gen_ai.operation.name", GenAiOperation.Of(path));
        span.SetTag("llmkube.request.id", context.TraceIdentifier);
        return span;
    }

    /// <summary>Sets what the audit record says about the request and ends its span.</summary>
    public static void EndRequest(Activity? span, AuditRecord record)
    {
        if (span is null) return;
        var request = record.Request;
        span.SetTag("llmkube.router", request.Router);
        span.SetTag("gen_ai.request.model", request.Model);
        span.SetTag("routing.classification", request.Classification);
        if (request.Rule is not null) span.SetTag("routing.rule.matched", request.Rule);
        if (record.Backend is not null)
        {
            span.SetTag("routing.backend.selected", record.Backend);
            span.SetTag("routing.backend.tier", record.BackendTier);
        }
        span.SetTag("llmkube.outcome", record.Outcome);
        span.SetTag("http.response.status_code", record.Status);
        span.SetTag("llmkube.attempts", record.Attempts.Count);
        SetUsage(span, record.Usage);
        if (record.CostUsd is { } cost) span.SetTag("llmkube.cost_usd", (double)cost);
        if (record.Outcome is not ("ok" or "ok_stream"))
        {
            span.SetTag("error.type", record.Outcome);
            span.SetStatus(ActivityStatusCode.Error, record.Outcome);
        }
        span.Dispose();
    }

    /// <summary>Starts the client span of one attempt (a child of the request's); null when nothing listens.</summary>
    /// <param name="depth">The backend's index in the candidate list, skipped ones included.</param>
    public static Activity? StartAttempt(BackendRuntime backend, AuditRequest request, int depth, bool probe, bool panic)
    {
        if (!_source.HasListeners()) return null;
        var config = backend.Config;
        var model = config.UpstreamModel ?? request.Model;
        var span = _source.StartActivity($"{GenAiOperation.Of(request.Path)} {model}", ActivityKind.Client);
        if (span is null) return null;
        span.SetTag("gen_ai.operation.name", GenAiOperation.Of(request.Path));
        span.SetTag("gen_ai.request.model", model);
        span.SetTag("gen_ai.provider.name", config.Provider ?? "llmkube");
        if (request.Rule is not null) span.SetTag("routing.rule.matched", request.Rule);
        span.SetTag("routing.backend.selected", config.Name);
        span.SetTag("routing.backend.provider", config.Provider);
        span.SetTag("routing.backend.tier", config.Tier == BackendTier.Local ? "local" : "cloud");
        span.SetTag("routing.fallback.depth", depth);
        if (probe) span.SetTag("llmkube.probe", true);
        if (panic) span.SetTag("llmkube.panic", true);
        return span;
    }

    /// <summary>Sets the attempt's outcome (and the tokens of a relayed one) and ends its span.</summary>
    public static void EndAttempt(Activity? span, AttemptRecord attempt, TokenUsage? usage)
    {
        if (span is null) return;
        span.SetTag("llmkube.outcome", attempt.Outcome);
        if (attempt.Status != 0) span.SetTag("http.response.status_code", attempt.Status);
        SetUsage(span, usage);
        if (attempt.Outcome != "ok")
        {
            span.SetTag("error.type", attempt.Outcome);
            span.SetStatus(ActivityStatusCode.Error, attempt.Outcome);
        }
        span.Dispose();
    }

    /// <summary>A backend that was not sent the request (quarantined, or its credential missing): a span that says why.</summary>
    public static void Skipped(BackendRuntime backend, AuditRequest request, AttemptRecord attempt, int depth)
    {
        if (!_source.HasListeners()) return;
        EndAttempt(StartAttempt(backend, request, depth, probe: false, panic: false), attempt, null);
    }

    /// <summary>
    /// Makes <paramref name="span"/> the parent of the upstream's work: its W3C <c>traceparent</c> (and
    /// <c>tracestate</c>) replace whatever the client sent.
    /// </summary>
    public static void Propagate(Activity span, System.Net.Http.Headers.HttpRequestHeaders headers)
    {
        if (span.IdFormat != ActivityIdFormat.W3C) return;
        headers.Remove(HeaderNames.TraceParent);
        headers.Remove(HeaderNames.TraceState);
        headers.TryAddWithoutValidation(HeaderNames.TraceParent, span.Id);
        if (span.TraceStateString is { Length: > 0 } state) headers.TryAddWithoutValidation(HeaderNames.TraceState, state);
    }

    private static void SetUsage(Activity span, TokenUsage? usage)
    {
        if (usage is not { } u) return;
        span.SetTag("gen_ai.usage.input_tokens", u.Prompt);
        span.SetTag("gen_ai.usage.output_tokens", u.Completion);
    }
}
