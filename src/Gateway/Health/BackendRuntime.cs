using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Health;

/// <summary>What the dispatcher may do with a backend right now.</summary>
internal enum Admission { Go, NeedProbe, Skip }

/// <summary>
/// One backend as this gateway sees it: the shared health pushed from its Backend grain, overlaid
/// by what this gateway observed itself and has not yet seen come back in a push (the local
/// breaker). Reports go to the grain only on a local transition, so steady traffic makes no grain call.
/// </summary>
internal sealed class BackendRuntime
{
    private readonly object _gate = new();
    private readonly IBackendGrain _grain;
    private readonly string _reporter;
    private readonly RoutingClock _clock;
    private volatile BackendHealth _shared;
    private BackendHealth? _overlay;
    private long _overlayBase;
    private int _probing;

    public BackendRuntime(BackendConfig config, BackendHealth shared, IBackendGrain grain, string reporter, RoutingClock clock)
    {
        Config = config;
        _shared = shared;
        _grain = grain;
        _reporter = reporter;
        _clock = clock;
    }

    public BackendConfig Config { get; private set; }

    public TimeSpan Quarantine { get; set; } = RouterTimers.DefaultQuarantineDuration;

    /// <summary>The health routing uses: the local overlay when there is one, else the shared state.</summary>
    public BackendHealth Effective
    {
        get
        {
            lock (_gate) return _overlay ?? _shared;
        }
    }

    /// <summary>Takes a pushed state; an older one is ignored unless the projection was rebuilt (<paramref name="reset"/>).</summary>
    public void Update(BackendConfig config, BackendHealth shared, bool reset)
    {
        Config = config;
        lock (_gate)
        {
            if (!reset && shared.Transitions < _shared.Transitions) return;
            _shared = shared;
            if (_overlay is not null && shared.Transitions > _overlayBase) _overlay = null;
        }
    }

    /// <summary>Decides without any I/O whether a request may go to this backend.</summary>
    public Admission Check(DateTimeOffset now, out DateTimeOffset retryAt)
    {
        var health = Effective;
        retryAt = default;
        if (health.IsClosed) return Admission.Go;
        if (now < health.OpenUntil)
        {
            retryAt = health.OpenUntil;
            return Admission.Skip;
        }
        if (health.ProbeHolder is not null && health.ProbeHolder != _reporter && health.ProbeLeaseUntil > now)
        {
            retryAt = health.ProbeLeaseUntil;
            return Admission.Skip;
        }
        return Admission.NeedProbe;
    }

    /// <summary>
    /// Asks the Backend grain for the half-open probe lease; at most one request per gateway asks at a
    /// time. When the cluster cannot answer, this gateway probes on its own (degraded operation).
    /// </summary>
    public async Task<(bool Granted, DateTimeOffset RetryAt)> TryAcquireProbeAsync(TimeSpan lease, TimeSpan wait)
    {
        if (Interlocked.CompareExchange(ref _probing, 1, 0) != 0)
            return (false, _clock.Now + TimeSpan.FromSeconds(1));
        ProbeDecision decision;
        try
        {
            decision = await _grain.TryAcquireProbe(_reporter, lease).WaitAsync(wait);
        }
        catch (Exception)
        {
            // The cluster cannot answer: probe on this gateway's own authority (degraded operation).
            return (true, default);
        }
        lock (_gate)
        {
            // The grain's answer is the freshest shared state there is.
            if (decision.Health.Transitions > _shared.Transitions) _shared = decision.Health;
            if (_overlay is not null && _shared.Transitions > _overlayBase) _overlay = null;
        }
        if (!decision.Granted) Volatile.Write(ref _probing, 0);
        return (decision.Granted, decision.RetryAt);
    }

    /// <summary>Records the outcome of an attempt; reports it to the grain when it changes the backend's state.</summary>
    public void OnOutcome(AttemptVerdict verdict, string? error, TimeSpan? retryAfter, bool wasProbe)
    {
        var report = new AttemptReport(verdict, error, retryAfter, _reporter);
        bool send;
        lock (_gate)
        {
            var current = _overlay ?? _shared;
            var next = CircuitBreaker.Apply(current, report, _clock.Now, Quarantine);
            send = wasProbe || !ReferenceEquals(next, current);
            if (!ReferenceEquals(next, current))
            {
                _overlay = next;
                _overlayBase = _shared.Transitions;
            }
        }
        if (wasProbe) Volatile.Write(ref _probing, 0);
        if (!send) return;
        try
        {
            _grain.Report(report).Ignore();
        }
        catch (Exception)
        {
            // The cluster is unreachable: the local overlay keeps protecting this gateway meanwhile.
        }
    }
}
