using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Health;

/// <summary>
/// One backend as this gateway sees it: the shared health pushed from its Backend grain, overlaid
/// by what this gateway observed itself and has not yet seen come back in a push (the local
/// breaker). Reports go to the grain only on a local transition, so steady traffic makes no grain call;
/// every upstream 5xx is one (it moves the cluster-wide count), and so is the first success after one.
/// </summary>
internal sealed class BackendRuntime
{
    /// <summary>
    /// How long a local observation outranks pushes of a closed circuit. A push sent before the grain saw this
    /// gateway's report can arrive after it (the report is one-way); without the grace it would undo the
    /// observation, e.g. put back a 5xx count that a success had just reset. A push of an open circuit always
    /// wins at once (the fleet decided a quarantine). Pushes take milliseconds; past the grace the newest wins.
    /// </summary>
    internal static readonly TimeSpan OverlayGrace = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private readonly IBackendGrain _grain;
    private readonly string _reporter;
    private readonly RoutingClock _clock;
    private readonly TimeProvider _time;
    private volatile BackendHealth _shared;
    private BackendHealth? _overlay;
    private long _overlayBase;
    private long _overlayAt;
    private int _probing;

    /// <param name="time">Times the waits for grain answers (real time, unlike the breaker's <paramref name="clock"/>).</param>
    public BackendRuntime(BackendConfig config, BackendHealth shared, IBackendGrain grain, string reporter, RoutingClock clock, TimeProvider? time = null)
    {
        Config = config;
        Upstream = config.UpstreamIdentity;
        _shared = shared;
        _grain = grain;
        _reporter = reporter;
        _clock = clock;
        _time = time ?? TimeProvider.System;
    }

    public BackendConfig Config { get; private set; }

    /// <summary>The upstream this runtime sends to; every report carries it, so the grain can drop reports about a moved backend.</summary>
    public string Upstream { get; }

    /// <summary>The thresholds the local breaker decides with; the same the Backend grain uses.</summary>
    public BreakerPolicy Policy { get; set; } = BreakerPolicy.Default;

    /// <summary>
    /// The health routing uses: the local overlay when there is one, else the shared state. Its
    /// <see cref="BackendHealth.LastFailure"/> tells which backend failed least recently.
    /// </summary>
    public BackendHealth Effective
    {
        get
        {
            lock (_gate)
            {
                DropSettledOverlay();
                return _overlay ?? _shared;
            }
        }
    }

    /// <summary>
    /// Why the backend is out of rotation (its InferenceService is not serving, ...), or null. Read from the pushed
    /// state alone: only the Backend grain sets or lifts a block, so no local observation can hide one.
    /// </summary>
    public string? Blocked => _shared.Blocked;

    /// <summary>Takes a pushed state; an older one is ignored unless the projection was rebuilt (<paramref name="reset"/>).</summary>
    public void Update(BackendConfig config, BackendHealth shared, bool reset)
    {
        Config = config;
        lock (_gate)
        {
            if (!reset && shared.Transitions < _shared.Transitions) return;
            _shared = shared;
            if (reset) _overlay = null;
            DropSettledOverlay();
        }
    }

    /// <summary>Decides without any I/O whether a request may go to this backend.</summary>
    public Admission Check(DateTimeOffset now, out DateTimeOffset retryAt)
    {
        retryAt = default;
        if (_shared.Blocked is not null) return Admission.Unavailable;
        var health = Effective;
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
            decision = await _grain.TryAcquireProbe(_reporter, Upstream, lease).WaitAsync(wait, _time);
        }
        catch (Exception)
        {
            // The cluster cannot answer: probe on this gateway's own authority (degraded operation).
            return (true, default);
        }
        TakeShared(decision.Health);
        if (!decision.Granted) Volatile.Write(ref _probing, 0);
        return (decision.Granted, decision.RetryAt);
    }

    /// <summary>Records the outcome of an attempt; reports it to the grain when it changes the backend's state.</summary>
    public void OnOutcome(AttemptVerdict verdict, string? error, TimeSpan? retryAfter, bool wasProbe)
    {
        // The steady state (a success on a healthy backend) changes nothing: decided without building a report.
        if (verdict == AttemptVerdict.Success && !wasProbe && Effective is { IsClosed: true, ProbeHolder: null, Consecutive5xx: 0 }) return;
        var report = new AttemptReport(verdict, error, retryAfter, _reporter, Upstream);
        var changed = Overlay(report, static (health, report, now, policy) => CircuitBreaker.Apply(health, report, now, policy));
        if (wasProbe) Volatile.Write(ref _probing, 0);
        if (!changed && !wasProbe) return;
        try
        {
            _grain.Report(report).Ignore();
        }
        catch (Exception)
        {
            // The cluster is unreachable: the local overlay keeps protecting this gateway meanwhile.
        }
    }

    /// <summary>
    /// Asks the Backend grain whether this gateway runs the next health check. The holder renews its
    /// lease with each ask; when the cluster cannot answer, every gateway checks for itself.
    /// </summary>
    public async Task<HealthCheckRole> TryAcquireHealthCheckAsync(TimeSpan lease, TimeSpan wait)
    {
        try
        {
            return await _grain.TryAcquireHealthCheck(_reporter, Upstream, lease).WaitAsync(wait, _time)
                ? HealthCheckRole.Prober
                : HealthCheckRole.Standby;
        }
        catch (Exception)
        {
            return HealthCheckRole.Degraded;
        }
    }

    /// <summary>
    /// Records a health-check result in the local overlay, and sends it to the grain when this gateway
    /// checked as the lease holder (a degraded gateway's results stay local).
    /// </summary>
    public void OnHealthCheck(bool passed, string? error, HealthCheckRole role)
    {
        Overlay((passed, error), static (health, result, now, policy) => CircuitBreaker.ApplyHealthCheck(health, result.passed, result.error, now, policy));
        if (role != HealthCheckRole.Prober) return;
        try
        {
            _grain.ReportHealthCheck(new HealthCheckReport(passed, error, _reporter, Upstream)).Ignore();
        }
        catch (Exception)
        {
            // Lost with the cluster; the next check reports again.
        }
    }

    // Applies a local observation on top of what this gateway knows; true when it changed the state.
    // Static delegates with explicit state: this runs once per request, so it must not allocate a closure.
    private bool Overlay<T>(T observation, Func<BackendHealth, T, DateTimeOffset, BreakerPolicy, BackendHealth> apply)
    {
        lock (_gate)
        {
            var current = _overlay ?? _shared;
            var next = apply(current, observation, _clock.Now, Policy);
            if (ReferenceEquals(next, current)) return false;
            _overlay = next;
            _overlayBase = _shared.Transitions;
            _overlayAt = _time.GetTimestamp();
            return true;
        }
    }

    // The grain's answer is the freshest shared state there is.
    private void TakeShared(BackendHealth health)
    {
        lock (_gate)
        {
            if (health.Transitions > _shared.Transitions) _shared = health;
            DropSettledOverlay();
        }
    }

    // The overlay gives way to a newer shared state: a quarantine at once, anything else once the grace has passed.
    private void DropSettledOverlay()
    {
        if (_overlay is null || _shared.Transitions <= _overlayBase) return;
        if (!_shared.IsClosed || _time.GetElapsedTime(_overlayAt) >= OverlayGrace) _overlay = null;
    }
}
