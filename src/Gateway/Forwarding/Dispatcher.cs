using System.Runtime.CompilerServices;
using LLMKube.Gateway.Accounting;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Errors;
using LLMKube.Gateway.Health;
using LLMKube.Gateway.Hosting;
using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The request path of the routed OpenAI endpoints: read the body, match a rule, apply the fail-closed
/// gate, try candidates in order with YARP, fall back before the response starts, relay the first
/// acceptable answer, audit once. Reads only the in-memory routing plan: no grain call unless a backend
/// is half-open. The decisions (how an attempt is classified, which error ends the loop) are the pure
/// functions of <see cref="AttemptClassifier"/>; this class does the I/O around them.
/// </summary>
internal sealed class Dispatcher(
    RoutingState routing,
    IHttpForwarder forwarder,
    UpstreamClient upstream,
    CredentialStore credentials,
    ShadowMirror shadow,
    AuditLog audit,
    GatewayMetrics metrics,
    RoutingClock clock,
    TimeProvider time,
    DeadlinePool deadlines,
    GracefulShutdown shutdown,
    IOptions<GatewayServerOptions> options)
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // Our own deadlines govern; YARP's inactivity timer must never fire first.
        ActivityTimeout = TimeSpan.FromDays(1),
    };

    // Longest Retry-After the gateway itself sends: SDKs sleep for it before retrying.
    private static readonly TimeSpan _maxRetryAfter = TimeSpan.FromSeconds(30);

    public async Task HandleAsync(HttpContext context)
    {
        var plan = routing.Current;
        if (plan is null)
        {
            await OpenAIError.WriteAsync(context, 503, "not_ready", "the gateway has not loaded its routing configuration yet", TimeSpan.FromSeconds(1));
            return;
        }
        var started = time.GetTimestamp();
        var request = new AuditRequest(plan.RouterName, context.TraceIdentifier, context.Request.Path.Value ?? "");
        var span = GatewayTracing.StartRequest(context);
        AuditRecord? record = null;
        try
        {
            record = await DispatchAsync(context, plan, request, started);
        }
        finally
        {
            // Every path that ends the request builds its record; only an exception (a bug) leaves none.
            record ??= new AuditRecord { Request = request, Status = 500, Outcome = "internal_error", DurationMs = Elapsed(started) };
            audit.Write(record);
            metrics.Record(plan, record);
            GatewayTracing.EndRequest(span, record);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AuditRecord> DispatchAsync(HttpContext context, RoutePlan plan, AuditRequest request, long started)
    {
        var settings = options.Value;
        RequestBody? body;
        try
        {
            body = await RequestBody.ReadAsync(context.Request, settings.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            if (context.RequestAborted.IsCancellationRequested) return Ended(request, 499, "client_canceled", started, []);
            // Kestrel's MinRequestBodyDataRate: the body trickled in too slowly. The response can still be
            // written (HTTP/1.1); Kestrel closes the connection after it.
            var refusal = ex is BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout }
                ? new Refusal(408, "body_timeout", "request_timeout", $"could not read the request body: {ex.Message}", RetryMayHelp: true)
                : new Refusal(400, "invalid_request", "invalid_body", $"could not read the request body: {ex.Message}", RetryMayHelp: false);
            return await RefuseAsync(context, request, refusal, started);
        }
        if (body is null)
        {
            return await RefuseAsync(context, request, new Refusal(413, "body_too_large", "request_too_large",
                $"request body exceeds the limit of {settings.MaxRequestBodyBytes} bytes", RetryMayHelp: false), started);
        }
        using var _ = body;
        if (body.Parse(settings.MaxJsonDepth) is { } parseError)
            return await RefuseAsync(context, request with { RequestBytes = body.Length }, new Refusal(400, "invalid_request", "invalid_json", parseError, false), started);
        if (string.IsNullOrEmpty(body.Model))
        {
            return await RefuseAsync(context, request with { Stream = body.Stream, RequestBytes = body.Length, Model = body.Model ?? "" },
                new Refusal(400, "invalid_request", "missing_model", "you must provide a 'model' parameter", false), started);
        }

        var config = plan.Config;
        var features = RequestFeatures.From(body.Model, context.Request.Headers, config.ClassificationHeader);
        var decision = RuleMatcher.Match(plan, features);
        var ruleTimeout = decision.Rule?.Config.Timeout;
        request = request with
        {
            Stream = body.Stream,
            RequestBytes = body.Length,
            Model = body.Model,
            Classification = features.Classification,
            TaskComplexity = features.TaskComplexity,
            Rule = decision.Rule?.Config.Name,
            TimeoutMs = (long)(ruleTimeout ?? config.Timers.ResponseHeaderTimeout).TotalMilliseconds,
        };

        if (decision.IsNoRoute)
            return await RefuseAsync(context, request, new Refusal(503, "no_route", "no_route", "no rule matched and no defaultRoute configured", false), started);
        var candidates = decision.Candidates;
        if (decision.FailClosed && plan.Sensitive.Contains(features.Classification))
        {
            foreach (var candidate in candidates)
            {
                if (candidate.Config.Tier == BackendTier.Local) continue;
                return await RefuseAsync(context, request, new Refusal(503, "fail_closed", "fail_closed",
                    $"fail-closed: sensitive classification \"{features.Classification}\" cannot route to cloud-tier backend \"{candidate.Config.Name}\"", false), started);
            }
        }
        if (decision.Strategy == RouteStrategy.Shadow && candidates.Length > 1)
        {
            var mirror = candidates[^1];
            candidates = candidates[..^1];
            if (shadow.TryMirror(plan.Namespace, config.Timers, mirror, body, context.Request, ruleTimeout))
                request = request with { Shadow = mirror.Config.Name };
        }
        else if (decision.Strategy == RouteStrategy.Weighted && candidates.Length > 1)
        {
            candidates = WeightedOrder(candidates);
        }

        return await TryCandidatesAsync(context, plan, decision, candidates, body, request, started, ruleTimeout);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AuditRecord> TryCandidatesAsync(HttpContext context, RoutePlan plan, RouteDecision decision, BackendRuntime[] candidates,
        RequestBody body, AuditRequest request, long started, TimeSpan? ruleTimeout)
    {
        var attempts = new List<AttemptRecord>(2);
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
                var lease = Budget(plan, backend, ruleTimeout) + plan.Config.Timers.ConnectTimeout + TimeSpan.FromSeconds(5);
                (probe, skipUntil) = await backend.TryAcquireProbeAsync(lease, options.Value.ProbeLeaseTimeout);
                admission = probe ? Admission.Go : Admission.Skip;
            }
            if (admission == Admission.Unavailable)
            {
                lastError = $"backend \"{name}\" is out of rotation: {backend.Blocked}";
                attempts.Add(new AttemptRecord(name, "skipped_unavailable", 0, 0));
                GatewayTracing.Skipped(backend, request, attempts[^1], i);
                continue;
            }
            if (admission == Admission.Skip)
            {
                if (retryAt is null || skipUntil < retryAt) retryAt = skipUntil;
                lastError = skipUntil > now ? $"backend \"{name}\" is quarantined until {skipUntil:O}" : $"backend \"{name}\" is quarantined";
                attempts.Add(new AttemptRecord(name, "skipped_unhealthy", 0, 0));
                GatewayTracing.Skipped(backend, request, attempts[^1], i);
                continue;
            }
            string? credential = null;
            if (backend.Config.Credential is { } reference && (credential = credentials.Resolve(plan.Namespace, reference)) is null)
            {
                if (probe) backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, wasProbe: true);
                lastError = $"backend \"{name}\": credential {reference.Key} is not set";
                attempts.Add(new AttemptRecord(name, "credentials_missing", 0, 0));
                GatewayTracing.Skipped(backend, request, attempts[^1], i);
                continue;
            }

            var step = await AttemptAsync(context, plan, backend, credential, body, request, attempts, started, ruleTimeout, probe, panic: false,
                LaterCandidates(plan, candidates, i + 1));
            if (step.Final is { } final) return final;
            attempted = true;
            lastTimedOut = step.Result.Kind == AttemptKind.TimedOut;
            lastError = step.Result.Error ?? lastError;
        }

        // Panic mode: nothing was eligible, so rather than refuse everyone try the backend that failed
        // longest ago. A fail-closed rule never does: its refusal is the policy.
        if (!attempted && !decision.FailClosed && PanicCandidate(plan, candidates) is { } panic)
        {
            var step = await AttemptAsync(context, plan, panic.Backend, panic.Credential, body, request, attempts, started, ruleTimeout, probe: false, panic: true, anotherCandidateLeft: null);
            if (step.Final is { } final) return final;
            attempted = true;
            lastTimedOut = step.Result.Kind == AttemptKind.TimedOut;
            lastError = step.Result.Error ?? lastError;
        }

        var refusal = AttemptClassifier.Exhausted(decision.FailClosed, attempted, lastTimedOut, lastError);
        // The remaining quarantine is the honest retry delay when nothing was tried.
        var retryAfter = attempted ? null : RetryDelay(retryAt);
        return await RefuseAsync(context, request, refusal, started, retryAfter, attempts);
    }

    /// <summary>One attempt against <paramref name="backend"/>. <see cref="AttemptStep.Final"/> is set when the request is over.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AttemptStep> AttemptAsync(HttpContext context, RoutePlan plan, BackendRuntime backend, string? credential, RequestBody body,
        AuditRequest request, List<AttemptRecord> attempts, long started, TimeSpan? ruleTimeout, bool probe, bool panic, Func<bool>? anotherCandidateLeft)
    {
        var config = plan.Config;
        var name = backend.Config.Name;
        var budget = Budget(plan, backend, ruleTimeout);
        var injectUsage = body.Stream && !body.StreamUsageRequested && options.Value.RequestStreamUsage && SupportsStreamOptions(context.Request.Path);
        var (stream, length) = body.OpenRead(backend.Config.UpstreamModel, injectUsage);
        context.Request.Body = stream;
        context.Request.ContentLength = length;
        var attemptStart = time.GetTimestamp();
        var deadline = deadlines.Rent(budget);
        var drain = shutdown.DrainDeadline;
        var probeState = probe ? new ProbeState(backend) : null;
        var transformer = new AttemptTransformer(backend.Config, credential, context.TraceIdentifier, config.Timers, anotherCandidateLeft,
            new AttemptStreaming(body.Stream, injectUsage), deadline, drain, probeState is null ? null : probeState.OnFirstByte, time);
        probeState?.Attach(transformer);
        var drainRegistration = drain.UnsafeRegister(static s => ((AttemptTransformer)s!).OnDrainDeadline(), transformer);
        // The current activity while YARP sends: the transformer makes it the upstream's trace parent.
        var span = GatewayTracing.StartAttempt(backend, request, attempts.Count, probe, panic);
        ForwarderError error;
        bool timedOut;
        try
        {
            error = await forwarder.SendAsync(context, backend.Config.Address, upstream.Invoker, RequestConfig, transformer, deadline.Token);
        }
        finally
        {
            // The registration goes first (Dispose waits for a running callback): nothing may cancel the
            // source once it is back in the pool.
            drainRegistration.Dispose();
            timedOut = deadline.IsCancellationRequested;
            deadlines.Return(deadline);
        }
        var ms = (long)time.GetElapsedTime(attemptStart).TotalMilliseconds;

        var result = AttemptClassifier.Classify(new AttemptFacts(name, transformer.Decision, transformer.Status, error,
            context.Features.Get<IForwarderErrorFeature>()?.Exception, context.RequestAborted.IsCancellationRequested,
            timedOut, drain.IsCancellationRequested, budget));

        if (result.Kind != AttemptKind.Relayed)
        {
            backend.OnOutcome(result.Verdict, result.Error, result.Kind == AttemptKind.RateLimited ? transformer.RetryAfter : null, probe);
            attempts.Add(new AttemptRecord(name, result.Outcome, transformer.Status, ms, panic));
            GatewayTracing.EndAttempt(span, attempts[^1], null);
            var final = result.Kind switch
            {
                AttemptKind.ClientCanceled => Ended(request, 499, "client_canceled", started, attempts),
                AttemptKind.ShuttingDown => await RefuseAsync(context, request,
                    new Refusal(503, "gateway_shutting_down", "gateway_shutting_down", "the gateway is shutting down; retry on another replica", RetryMayHelp: true),
                    started, attempts: attempts),
                _ => null,
            };
            if (final is null) ResetResponse(context);
            return new AttemptStep(result, final);
        }

        var relay = transformer.Relay!;
        var ended = AttemptClassifier.ClassifyRelay(relay.Cut, error, context.RequestAborted.IsCancellationRequested, transformer.Status, transformer.Streaming, name);
        backend.OnOutcome(ended.Verdict, ended.Error, ended.Verdict == AttemptVerdict.RateLimited ? transformer.RetryAfter : null, probe && probeState!.Reported is false);
        attempts.Add(new AttemptRecord(name, "ok", transformer.Status, ms, panic));
        var usage = relay.Usage;
        GatewayTracing.EndAttempt(span, attempts[^1], usage);
        return new AttemptStep(result, new AuditRecord
        {
            Request = request,
            Status = transformer.Status,
            Outcome = ended.Outcome,
            Backend = name,
            BackendTier = backend.Config.Tier == BackendTier.Local ? "local" : "cloud",
            TimeoutMs = (long)budget.TotalMilliseconds,
            LatencyMs = (long)time.GetElapsedTime(started, transformer.HeadersAt).TotalMilliseconds,
            DurationMs = Elapsed(started),
            ResponseBytes = relay.Bytes,
            TtfbMs = relay.FirstByteAt == 0 ? null : (long)time.GetElapsedTime(started, relay.FirstByteAt).TotalMilliseconds,
            TtftMs = relay.FirstTokenAt == 0 ? null : (long)time.GetElapsedTime(started, relay.FirstTokenAt).TotalMilliseconds,
            Usage = usage,
            UsageMissing = usage is null && transformer.Status is >= 200 and < 300,
            CostUsd = usage is { } u && backend.Config.Prices is { } prices ? prices.Cost(u.Prompt, u.Completion) : null,
            Attempts = attempts,
        });
    }

    private readonly record struct AttemptStep(AttemptResult Result, AuditRecord? Final);

    /// <summary>
    /// A half-open probe's stream proves the backend works at its first byte: the circuit is released for
    /// everyone then, not when the stream ends. Allocated for probes only.
    /// </summary>
    private sealed class ProbeState(BackendRuntime backend)
    {
        private AttemptTransformer? _transformer;

        public bool Reported { get; private set; }

        public void Attach(AttemptTransformer transformer) => _transformer = transformer;

        public void OnFirstByte()
        {
            if (_transformer?.Status == 429) return;
            Reported = true;
            backend.OnOutcome(AttemptVerdict.Success, null, null, wasProbe: true);
        }
    }

    // A method of its own, so the closure is allocated only for a route with candidates left.
    private Func<bool>? LaterCandidates(RoutePlan plan, BackendRuntime[] candidates, int from)
        => from < candidates.Length ? () => AnotherCandidateLeft(plan, candidates, from) : null;

    private AuditRecord Ended(AuditRequest request, int status, string outcome, long started, IReadOnlyList<AttemptRecord> attempts)
    {
        var elapsed = Elapsed(started);
        return new AuditRecord { Request = request, Status = status, Outcome = outcome, LatencyMs = elapsed, DurationMs = elapsed, TimeoutMs = request.TimeoutMs, Attempts = attempts };
    }

    private static TimeSpan Budget(RoutePlan plan, BackendRuntime backend, TimeSpan? ruleTimeout)
        => plan.Config.Timers.HeaderBudget(ruleTimeout, backend.Config.Timeout);

    // Only these accept stream_options; the Responses API reports usage in its completed event anyway.
    private static bool SupportsStreamOptions(PathString path)
        => path.Equals("/v1/chat/completions", StringComparison.Ordinal) || path.Equals("/v1/completions", StringComparison.Ordinal);

    /// <summary>True when a later candidate could be tried now, so a 429 is better answered by falling back than relayed.</summary>
    private bool AnotherCandidateLeft(RoutePlan plan, BackendRuntime[] candidates, int from)
    {
        var now = clock.Now;
        for (var j = from; j < candidates.Length; j++)
        {
            var candidate = candidates[j];
            if (candidate.Check(now, out _) is Admission.Skip or Admission.Unavailable) continue;
            if (candidate.Config.Credential is { } reference && credentials.Resolve(plan.Namespace, reference) is null) continue;
            return true;
        }
        return false;
    }

    /// <summary>
    /// The quarantined candidate that failed longest ago and has its credential; null when there is none or
    /// <c>spec.proxy.panicMode</c> is off. Only passive evidence (failed requests) is overridden this way.
    /// </summary>
    private (BackendRuntime Backend, string? Credential)? PanicCandidate(RoutePlan plan, BackendRuntime[] candidates)
    {
        if (!plan.Config.PanicMode) return null;
        (BackendRuntime Backend, string? Credential)? best = null;
        var bestFailure = DateTimeOffset.MaxValue;
        foreach (var candidate in candidates)
        {
            // Out of rotation is a fact about the backend (not serving), not a guess from failed requests.
            if (candidate.Blocked is not null) continue;
            string? credential = null;
            if (candidate.Config.Credential is { } reference && (credential = credentials.Resolve(plan.Namespace, reference)) is null) continue;
            var health = candidate.Effective;
            // Health checks saw it down; a 429 with Retry-After asked to be left alone: neither is a guess to override.
            if (health.Cause is OpenCause.RateLimited or OpenCause.HealthCheck) continue;
            var failed = health.LastFailure;
            if (best is not null && failed >= bestFailure) continue;
            best = (candidate, credential);
            bestFailure = failed;
        }
        return best;
    }

    private static void ResetResponse(HttpContext context)
    {
        // YARP may have set a status and headers for the failed attempt; the next one starts clean.
        context.Response.Clear();
        context.Features.Set<IForwarderErrorFeature>(null);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<AuditRecord> RefuseAsync(HttpContext context, AuditRequest request, Refusal refusal, long started,
        TimeSpan? retryAfter = null, IReadOnlyList<AttemptRecord>? attempts = null)
    {
        var written = !context.Response.HasStarted;
        await OpenAIError.WriteAsync(context, refusal.Status, refusal.Code, refusal.Message, retryAfter, shouldRetry: refusal.RetryMayHelp ? null : false);
        // The client received the error body: its length is what the audit line counts.
        return Ended(request, refusal.Status, refusal.Outcome, started, attempts ?? []) with { ResponseBytes = written ? context.Response.ContentLength ?? 0 : 0 };
    }

    private long Elapsed(long started) => (long)time.GetElapsedTime(started).TotalMilliseconds;

    private TimeSpan? RetryDelay(DateTimeOffset? retryAt)
    {
        if (retryAt is not { } at || at <= clock.Now) return null;
        var delay = at - clock.Now;
        return delay < _maxRetryAfter ? delay : _maxRetryAfter;
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
