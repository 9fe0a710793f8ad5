using LLMKube.Grains.Hosting;
using LLMKube.Grains.Observability;
using LLMKube.Grains.Routers;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace LLMKube.Grains.Backends;

/// <inheritdoc cref="IBackendGrain"/>
public sealed partial class BackendGrain(
    [PersistentState("backend", StorageNames.Default)] IPersistentState<BackendGrainState> state,
    RoutingClock clock,
    ILogger<BackendGrain> logger) : Grain, IBackendGrain
{
    // A gateway still routing to an old upstream asks again soon: by then its plan has caught up.
    private static readonly TimeSpan StaleRetry = TimeSpan.FromSeconds(1);

    // Memory only: losing it on re-activation just lets the first gateway to ask run the next check.
    private HealthCheckLease _checkLease = HealthCheckLease.None;

    private string Key => this.GetPrimaryKeyString();

    private BreakerPolicy Policy => state.State.Settings?.Policy ?? BreakerPolicy.Default;

    public async Task<BackendHealth> Configure(BackendSettings settings)
    {
        var previous = state.State.Settings;
        if (previous == settings) return state.State.Health;
        state.State.Settings = settings;
        if (previous is not null && previous.Identity != settings.Identity)
        {
            // A different upstream behind the same name: what we knew about the old one no longer applies. Lifecycle
            // blocks stay: their sources lift them.
            state.State.Health = BackendHealth.Healthy with { Transitions = state.State.Health.Transitions + 1, Blocked = state.State.Health.Blocked };
            Log.UpstreamChanged(logger, Key, settings.Identity);
            Publish();
        }
        await Persist();
        return state.State.Health;
    }

    public async Task Report(AttemptReport report)
    {
        if (!IsCurrent(report.Upstream))
        {
            Log.StaleReportIgnored(logger, Key, report.Verdict.ToString(), report.Upstream);
            return;
        }
        var trigger = report.Verdict == AttemptVerdict.Success ? "a request succeeded" : "";
        await Transition(CircuitBreaker.Apply(state.State.Health, report, clock.Now, Policy), trigger);
    }

    public async Task<ProbeDecision> TryAcquireProbe(string holder, string upstream, TimeSpan lease)
    {
        var now = clock.Now;
        if (!IsCurrent(upstream)) return new ProbeDecision(false, now + StaleRetry, state.State.Health);
        var decision = CircuitBreaker.TryAcquireProbe(state.State.Health, holder, now, lease);
        if (state.State.Settings is { } settings) BackendMetrics.ProbeLease(settings, decision.Granted);
        if (decision.Granted) await Transition(decision.Health, "");
        return decision;
    }

    public Task<bool> TryAcquireHealthCheck(string holder, string upstream, TimeSpan lease)
    {
        if (state.State.Settings?.HealthCheck is null || !IsCurrent(upstream)) return Task.FromResult(false);
        var (granted, next) = HealthCheckLease.TryAcquire(_checkLease, holder, clock.Now, lease);
        if (granted && next.Holder != _checkLease.Holder)
        {
            Log.HealthCheckAssigned(logger, Key, holder);
            BackendMetrics.HealthCheckLeaseMoved(state.State.Settings);
        }
        _checkLease = next;
        return Task.FromResult(granted);
    }

    public async Task ReportHealthCheck(HealthCheckReport report)
    {
        // Only the lease holder's results count: one prober, so thresholds count checks, not gateways.
        if (state.State.Settings?.HealthCheck is null || !IsCurrent(report.Upstream) || report.Reporter != _checkLease.Holder)
        {
            Log.HealthCheckIgnored(logger, Key, report.Reporter);
            return;
        }
        var trigger = Policy.CheckSuccessThreshold > 1 ? $"{Policy.CheckSuccessThreshold} health checks passed in a row" : "a health check passed";
        await Transition(CircuitBreaker.ApplyHealthCheck(state.State.Health, report.Passed, report.Error, clock.Now, Policy), trigger);
    }

    public async Task SetBlock(string source, string? reason)
    {
        var blocks = state.State.Blocks;
        if (reason is null ? !blocks.Remove(source) : blocks.TryGetValue(source, out var known) && known == reason) return;
        if (reason is not null) blocks[source] = reason;
        var blocked = blocks.Count == 0 ? null : string.Join("; ", blocks.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => b.Value));
        state.State.Health = state.State.Health with { Blocked = blocked, Transitions = state.State.Health.Transitions + 1 };
        if (reason is null) Log.Unblocked(logger, Key, source, blocked ?? "none");
        else Log.Blocked(logger, Key, source, reason);
        Publish();
        await Persist();
    }

    public Task<BackendHealth> GetHealth() => Task.FromResult(state.State.Health);

    // A report without an upstream (an operator's) applies to whatever the backend is now.
    private bool IsCurrent(string? upstream) => upstream is null || state.State.Settings is not { } settings || settings.Identity == upstream;

    /// <param name="closedBy">What closed the circuit, should this transition close it.</param>
    private async Task Transition(BackendHealth next, string closedBy)
    {
        var current = state.State.Health;
        if (ReferenceEquals(next, current)) return;
        state.State.Health = next;
        LogChange(current, next, closedBy);
        if (state.State.Settings is { } settings) BackendMetrics.Transition(settings, CircuitBreaker.Describe(current, next));
        Publish();
        await Persist();
    }

    // Routing must not depend on Redis being up: the new state is already in memory and pushed; a
    // failed write is logged and retried with the next transition.
    private async Task Persist()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            var desired = state.State;
            await state.ReadStateAsync();
            state.State = desired;
            await TryWrite();
        }
        catch (Exception ex)
        {
            Log.PersistFailed(logger, Key, ex);
        }
    }

    private async Task TryWrite()
    {
        try { await state.WriteStateAsync(); }
        catch (Exception ex) { Log.PersistFailed(logger, Key, ex); }
    }

    private void Publish()
    {
        if (state.State.Settings is not { } settings) return;
        // One-way: the routing table never calls back into this grain, and ordering is by Transitions.
        GrainFactory.GetGrain<IRoutingTableGrain>(settings.Router.ToString()).BackendChanged(settings.Name, state.State.Health).Ignore();
    }
}
