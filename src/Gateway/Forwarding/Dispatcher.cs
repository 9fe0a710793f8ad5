using System.Diagnostics;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Errors;
using LLMKube.Gateway.Health;
using LLMKube.Gateway.Routing;
using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The request path of <c>/v1/chat/completions</c>, <c>/v1/completions</c> and <c>/v1/embeddings</c>:
/// read the body, match a rule, apply the fail-closed gate, try candidates in order with YARP,
/// fall back before the response starts, relay the first acceptable answer, audit once.
/// Reads only the in-memory routing plan: no grain call unless a backend is half-open.
/// </summary>
internal sealed class Dispatcher(
    RoutingState routing,
    IHttpForwarder forwarder,
    UpstreamClient upstream,
    CredentialStore credentials,
    ShadowMirror shadow,
    AuditLog audit,
    RoutingClock clock,
    TimeProvider time,
    IOptions<GatewayOptions> options)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // Our own deadlines govern; YARP's inactivity timer must never fire first.
        ActivityTimeout = TimeSpan.FromDays(1),
    };

    // HTTP deadlines run on real time; breaker decisions on the routing clock (tests move it independently).
    private readonly TimeProvider _time = time;

    public async Task HandleAsync(HttpContext context)
    {
        var plan = routing.Current;
        if (plan is null)
        {
            await OpenAIError.WriteAsync(context, 503, "not_ready", "the gateway has not loaded its routing configuration yet", TimeSpan.FromSeconds(1));
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var record = new AuditRecord { Router = plan.Config.Router.ToString(), RequestId = context.TraceIdentifier, Path = context.Request.Path.Value ?? "" };
        try
        {
            await DispatchAsync(context, plan, record, started);
        }
        finally
        {
            record.DurationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            audit.Write(record);
        }
    }

    private async Task DispatchAsync(HttpContext context, RoutePlan plan, AuditRecord record, long started)
    {
        var gatewayOptions = options.Value;
        RequestBody? body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, gatewayOptions.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            if (context.RequestAborted.IsCancellationRequested) { Finish(record, 499, "client_canceled"); return; }
            if (ex is BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout })
            {
                // Kestrel's MinRequestBodyDataRate: the body trickled in too slowly. The response can still be
                // written (HTTP/1.1); Kestrel closes the connection after it.
                await Reject(context, record, 408, "body_timeout", "request_timeout", $"could not read the request body: {ex.Message}");
                return;
            }
            await Reject(context, record, 400, "invalid_request", "invalid_body", $"could not read the request body: {ex.Message}");
            return;
        }
        if (body is null)
        {
            await Reject(context, record, 413, "body_too_large", "request_too_large",
                $"request body exceeds the limit of {gatewayOptions.MaxRequestBodyBytes} bytes");
            return;
        }
        using var _ = body;
        if (body.Parse(gatewayOptions.MaxJsonDepth) is { } parseError)
        {
            await Reject(context, record, 400, "invalid_request", "invalid_json", parseError);
            return;
        }
        record.Stream = body.Stream;
        if (string.IsNullOrEmpty(body.Model))
        {
            await Reject(context, record, 400, "invalid_request", "missing_model", "you must provide a 'model' parameter");
            return;
        }
        record.Model = body.Model;

        var config = plan.Config;
        var features = RequestFeatures.From(body.Model, context.Request.Headers, config.ClassificationHeader);
        record.Classification = features.Classification;
        record.TaskComplexity = features.TaskComplexity;
        var decision = RuleMatcher.Match(plan, features);
        record.Rule = decision.Rule?.Config.Name;
        var ruleTimeout = decision.Rule?.Config.Timeout;
        record.TimeoutMs = (long)(ruleTimeout ?? config.Timers.ResponseHeaderTimeout).TotalMilliseconds;

        if (decision.IsNoRoute)
        {
            await Reject(context, record, 503, "no_route", "no_route", "no rule matched and no defaultRoute configured");
            return;
        }
        var candidates = decision.Candidates;
        if (decision.FailClosed && plan.Sensitive.Contains(features.Classification))
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Config.Tier == BackendTier.Local) continue;
                await Reject(context, record, 503, "fail_closed", "fail_closed",
                    $"fail-closed: sensitive classification \"{features.Classification}\" cannot route to cloud-tier backend \"{candidate.Config.Name}\"");
                return;
            }
        }
        if (decision.Strategy == RouteStrategy.Shadow && candidates.Length > 1)
        {
            var mirror = candidates[^1];
            candidates = candidates[..^1];
            if (shadow.TryMirror(plan.Namespace, config.Timers, mirror, body, context.Request, ruleTimeout))
                record.Shadow = mirror.Config.Name;
        }
        else if (decision.Strategy == RouteStrategy.Weighted && candidates.Length > 1)
        {
            candidates = WeightedOrder(candidates);
        }

        await TryCandidatesAsync(context, plan, decision, candidates, body, record, started, ruleTimeout);
    }

    private async Task TryCandidatesAsync(HttpContext context, RoutePlan plan, RouteDecision decision, BackendRuntime[] candidates,
        RequestBody body, AuditRecord record, long started, TimeSpan? ruleTimeout)
    {
        var config = plan.Config;
        var attempted = false;
        var lastTimedOut = false;
        DateTimeOffset? retryAt = null;
        var lastError = "";
        for (var i = 0; i < candidates.Length; i++)
        {
            var backend = candidates[i];
            var name = backend.Config.Name;
            var now = clock.Now;
            var admission = backend.Check(now, out var skipUntil);
            var probe = false;
            if (admission == Admission.NeedProbe)
            {
                var lease = (ruleTimeout ?? backend.Config.Timeout ?? config.Timers.ResponseHeaderTimeout) + config.Timers.ConnectTimeout + TimeSpan.FromSeconds(5);
                (probe, skipUntil) = await backend.TryAcquireProbeAsync(lease, options.Value.ProbeLeaseTimeout);
                admission = probe ? Admission.Go : Admission.Skip;
            }
            if (admission == Admission.Skip)
            {
                if (retryAt is null || skipUntil < retryAt) retryAt = skipUntil;
                lastError = admission == Admission.Skip && skipUntil > now
                    ? $"backend \"{name}\" is quarantined until {skipUntil:O}"
                    : $"backend \"{name}\" is quarantined";
                record.Attempts.Add(new AttemptRecord(name, "skipped_unhealthy", 0, 0));
                continue;
            }

            string? credential = null;
            if (backend.Config.Credential is { } reference && (credential = credentials.Resolve(plan.Namespace, reference)) is null)
            {
                if (probe) backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, wasProbe: true);
                lastError = $"backend \"{name}\": credential {reference.Key} is not set";
                record.Attempts.Add(new AttemptRecord(name, "credentials_missing", 0, 0));
                continue;
            }

            attempted = true;
            var budget = ruleTimeout ?? backend.Config.Timeout ?? config.Timers.ResponseHeaderTimeout;
            record.TimeoutMs = (long)budget.TotalMilliseconds;
            var attemptStart = Stopwatch.GetTimestamp();
            var (stream, length) = body.OpenRead(backend.Config.UpstreamModel);
            context.Request.Body = stream;
            context.Request.ContentLength = length;
            using var deadline = new CancellationTokenSource(budget, _time);
            var transformer = new AttemptTransformer(backend.Config, credential, config.Timers, i == candidates.Length - 1,
                body.Stream, deadline, _time);
            var error = await forwarder.SendAsync(context, backend.Config.Address, upstream.Invoker, RequestConfig, transformer, deadline.Token);
            var ms = (long)Stopwatch.GetElapsedTime(attemptStart).TotalMilliseconds;

            switch (transformer.Decision)
            {
                case ResponseDecision.Relay:
                    record.Attempts.Add(new AttemptRecord(name, "ok", transformer.Status, ms));
                    record.LatencyMs = (long)Stopwatch.GetElapsedTime(started, transformer.HeadersAt).TotalMilliseconds;
                    record.Backend = name;
                    record.BackendTier = backend.Config.Tier == BackendTier.Local ? "local" : "cloud";
                    record.Status = transformer.Status;
                    FinishRelay(context, backend, transformer, error, probe, record);
                    return;
                case ResponseDecision.ServerError:
                    lastError = $"{name} returned {transformer.Status}";
                    backend.OnOutcome(AttemptVerdict.ServerError, lastError, null, probe);
                    record.Attempts.Add(new AttemptRecord(name, "upstream_error", transformer.Status, ms));
                    lastTimedOut = false;
                    break;
                case ResponseDecision.RateLimited:
                    lastError = $"{name} returned 429";
                    backend.OnOutcome(AttemptVerdict.RateLimited, lastError, transformer.RetryAfter, probe);
                    record.Attempts.Add(new AttemptRecord(name, "rate_limited", 429, ms));
                    lastTimedOut = false;
                    break;
                default:
                    if (context.RequestAborted.IsCancellationRequested)
                    {
                        backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, probe);
                        record.Attempts.Add(new AttemptRecord(name, "client_canceled", 0, ms));
                        Finish(record, 499, "client_canceled");
                        return;
                    }
                    if (deadline.IsCancellationRequested)
                    {
                        lastError = $"{name}: no response headers within {budget.TotalMilliseconds:0} ms";
                        backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, probe);
                        record.Attempts.Add(new AttemptRecord(name, "timeout", 0, ms));
                        lastTimedOut = true;
                    }
                    else
                    {
                        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
                        lastError = $"{name}: {Describe(error, exception)}";
                        backend.OnOutcome(AttemptVerdict.Failure, lastError, null, probe);
                        record.Attempts.Add(new AttemptRecord(name, "connect_error", 0, ms));
                        lastTimedOut = false;
                    }
                    break;
            }
            ResetResponse(context);
        }

        record.LatencyMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (decision.FailClosed)
        {
            await Reject(context, record, 503, "fail_closed_runtime", "fail_closed", $"fail-closed: all rule backends unhealthy: {lastError}",
                attempted ? null : RetryDelay(retryAt));
        }
        else if (!attempted)
        {
            await Reject(context, record, 503, "all_backends_failed", "no_eligible_backend", $"no eligible backend: {lastError}", RetryDelay(retryAt));
        }
        else if (lastTimedOut)
        {
            await Reject(context, record, 504, "timeout", "upstream_timeout", $"all backends failed; the last timed out: {lastError}");
        }
        else
        {
            await Reject(context, record, 502, "all_backends_failed", "all_backends_failed", $"all backends failed: {lastError}");
        }
    }

    private void FinishRelay(HttpContext context, BackendRuntime backend, AttemptTransformer transformer, ForwarderError error, bool probe, AuditRecord record)
    {
        var status = transformer.Status;
        var cut = transformer.Guard?.Cut ?? StreamCut.None;
        record.Outcome = transformer.Streaming ? "ok_stream" : "ok";
        if (cut == StreamCut.IdleTimeout || cut == StreamCut.DurationExceeded)
        {
            record.Outcome = cut == StreamCut.IdleTimeout ? "stream_idle_timeout" : "stream_duration_exceeded";
            backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, probe);
            return;
        }
        if (cut == StreamCut.UpstreamError || error is ForwarderError.ResponseBodyDestination)
        {
            record.Outcome = "stream_upstream_error";
            backend.OnOutcome(AttemptVerdict.Failure, $"{backend.Config.Name}: response body broke off", null, probe);
            return;
        }
        if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled)
        {
            record.Outcome = "client_canceled";
            backend.OnOutcome(AttemptVerdict.Success, null, null, probe);
            return;
        }
        if (status == 429)
            backend.OnOutcome(AttemptVerdict.RateLimited, $"{backend.Config.Name} returned 429", transformer.RetryAfter, probe);
        else
            backend.OnOutcome(AttemptVerdict.Success, null, null, probe);
    }

    private static void ResetResponse(HttpContext context)
    {
        // YARP may have set a status and headers for the failed attempt; the next one starts clean.
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    private static Task Reject(HttpContext context, AuditRecord record, int status, string outcome, string code, string message, TimeSpan? retryAfter = null)
    {
        Finish(record, status, outcome);
        return OpenAIError.WriteAsync(context, status, code, message, retryAfter);
    }

    private static void Finish(AuditRecord record, int status, string outcome)
    {
        record.Status = status;
        record.Outcome = outcome;
    }

    private TimeSpan? RetryDelay(DateTimeOffset? retryAt)
        => retryAt is { } at && at > clock.Now ? at - clock.Now : null;


    private static string Describe(ForwarderError error, Exception? exception)
    {
        var inner = exception;
        while (inner?.InnerException is not null && inner is not System.Net.Sockets.SocketException) inner = inner.InnerException;
        return inner is null ? error.ToString() : $"{error}: {inner.Message}";
    }

    /// <summary>Orders candidates for <c>weighted</c>: the first is drawn by weight among healthy backends, the rest keep their order.</summary>
    private BackendRuntime[] WeightedOrder(BackendRuntime[] candidates)
    {
        var now = clock.Now;
        long total = 0;
        foreach (var c in candidates)
            if (c.Config.Weight > 0 && c.Check(now, out _) == Admission.Go) total += c.Config.Weight;
        if (total == 0) return candidates;
        var pick = Random.Shared.NextInt64(total);
        var chosen = -1;
        for (var i = 0; i < candidates.Length; i++)
        {
            var c = candidates[i];
            if (c.Config.Weight <= 0 || c.Check(now, out _) != Admission.Go) continue;
            if (pick < c.Config.Weight) { chosen = i; break; }
            pick -= c.Config.Weight;
        }
        if (chosen <= 0) return candidates;
        var ordered = new BackendRuntime[candidates.Length];
        ordered[0] = candidates[chosen];
        for (int i = 0, j = 1; i < candidates.Length; i++) if (i != chosen) ordered[j++] = candidates[i];
        return ordered;
    }
}
