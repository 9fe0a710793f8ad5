using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Hosting;
using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Health;

/// <summary>
/// Runs the active health checks (<c>spec.backends[].healthCheck</c>) of the current plan's backends.
/// Every gateway keeps a schedule per checked backend, but only the one holding the Backend grain's
/// health-check lease sends the request and reports the result; the others stand by and take over
/// once the holder stops renewing. A gateway that cannot reach the cluster checks on its own
/// authority and applies the results to its local breaker only.
/// </summary>
/// <param name="clock">Paces the checks (interval), so tests drive them with a fake routing clock.</param>
/// <param name="time">Real time, for each check's HTTP timeout.</param>
internal sealed partial class HealthCheckMonitor(
    RoutingState routing,
    UpstreamClient upstream,
    CredentialStore credentials,
    RoutingClock clock,
    TimeProvider time,
    GracefulShutdown shutdown,
    GatewayMetrics metrics,
    IOptions<GatewayServerOptions> options,
    ILogger<HealthCheckMonitor> logger) : IHostedLifecycleService, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Schedule> _schedules = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        routing.Applied += OnApplied;
        Follow();
        return Task.CompletedTask;
    }

    // Stops checking once the gateway takes no new requests: before the silo (standalone) or the cluster
    // connection stops, whichever order the services were registered in.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try { await shutdown.WhenServingEnded().WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { /* the host's stop budget ran out: stop now */ }
        routing.Applied -= OnApplied;
        await _stopping.CancelAsync();
        Schedule[] stopped;
        lock (_gate)
        {
            stopped = [.. _schedules.Values];
            _schedules.Clear();
        }
        foreach (var schedule in stopped) schedule.Dispose();
        try { await Task.WhenAll(stopped.Select(s => s.Running)).WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken); }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException) { /* the checks end with the process */ }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var schedule in _schedules.Values) schedule.Dispose();
            _schedules.Clear();
        }
        _stopping.Dispose();
    }

    private void OnApplied(RoutePlan _) => Follow();

    // Reconciles with the latest plan rather than the one raised: two threads may raise Applied out of order.
    // A schedule survives pushes that leave its check unchanged; it finds the backend's runtime by name each round.
    private void Follow()
    {
        var plan = routing.Current;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            foreach (var (name, schedule) in _schedules.ToArray())
            {
                if (plan is not null && plan.ByName.TryGetValue(name, out var runtime) && runtime.Config.HealthCheck == schedule.Check) continue;
                schedule.Dispose();
                _schedules.Remove(name);
            }
            foreach (var runtime in plan?.Backends ?? [])
            {
                if (runtime.Config.HealthCheck is { } check && !_schedules.ContainsKey(runtime.Config.Name))
                    _schedules[runtime.Config.Name] = new Schedule(this, runtime.Config.Name, check, clock.Time);
            }
        }
    }

    private async Task CheckAsync(Schedule schedule)
    {
        try
        {
            if (routing.Current is not { } plan || !plan.ByName.TryGetValue(schedule.Backend, out var runtime)
                || runtime.Config.HealthCheck is not { } check)
                return;
            var role = await runtime.TryAcquireHealthCheckAsync(check.Lease, options.Value.ProbeLeaseTimeout);
            if (role != schedule.LastRole)
            {
                schedule.LastRole = role;
                LogRole(schedule.Backend, role);
            }
            if (role == HealthCheckRole.Standby)
            {
                Log.LeftToHolder(logger, schedule.Backend);
                return;
            }
            string? credential = null;
            if (runtime.Config.Credential is { } reference && (credential = credentials.Resolve(plan.Namespace, reference)) is null)
            {
                // Says nothing about the backend; the requests would fail the same way.
                Log.CredentialMissing(logger, schedule.Backend, reference.Key);
                return;
            }
            var result = await HealthCheckProbe.SendAsync(upstream.Invoker, runtime.Config, check, credential, time, _stopping.Token);
            runtime.OnHealthCheck(result.Passed, result.Error, role);
            metrics.HealthCheck(plan.RouterName, schedule.Backend, result.Passed);
            if (result.Passed) Log.Passed(logger, schedule.Backend, role);
            else Log.Failed(logger, schedule.Backend, role, result.Error ?? "");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.CheckFailed(logger, schedule.Backend, ex);
        }
    }

    private void LogRole(string backend, HealthCheckRole role)
    {
        switch (role)
        {
            case HealthCheckRole.Prober: Log.Prober(logger, backend); break;
            case HealthCheckRole.Standby: Log.Standby(logger, backend); break;
            default: Log.Degraded(logger, backend); break;
        }
    }

    /// <summary>One backend's rounds: a timer on the routing clock, and at most one check in flight.</summary>
    private sealed class Schedule : IDisposable
    {
        private readonly HealthCheckMonitor _monitor;
        private readonly ITimer _timer;
        private volatile bool _disposed;
        private int _state; // 0 idle, 1 checking, 2 checking with the next round already due
        private Task _running = Task.CompletedTask;

        public Schedule(HealthCheckMonitor monitor, string backend, HealthCheckConfig check, TimeProvider pace)
        {
            _monitor = monitor;
            Backend = backend;
            Check = check;
            // The first round runs at once: a backend that is down is found before a request pays for it.
            _timer = pace.CreateTimer(static s => ((Schedule)s!).Due(), this, TimeSpan.Zero, check.Interval);
        }

        public string Backend { get; }

        public HealthCheckConfig Check { get; }

        public HealthCheckRole? LastRole { get; set; }

        public Task Running => Volatile.Read(ref _running);

        public void Dispose()
        {
            _disposed = true;
            _timer.Dispose();
        }

        // A round that falls due while one runs is queued, never dropped and never run in parallel.
        private void Due()
        {
            while (true)
            {
                var state = Volatile.Read(ref _state);
                if (state == 2) return;
                if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
                if (state == 0) Volatile.Write(ref _running, Task.Run(RunAsync));
                return;
            }
        }

        private async Task RunAsync()
        {
            do
            {
                if (!_disposed) await _monitor.CheckAsync(this);
            }
            while (Interlocked.Decrement(ref _state) > 0);
        }
    }
}
