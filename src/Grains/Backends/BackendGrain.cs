using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using Orleans.Storage;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Backends;

/// <summary>Persisted state of a Backend grain.</summary>
[GenerateSerializer]
public sealed class BackendGrainState
{
    [Id(0)] public BackendSettings? Settings { get; set; }
    [Id(1)] public BackendHealth Health { get; set; } = BackendHealth.Healthy;
}

/// <inheritdoc cref="IBackendGrain"/>
public sealed partial class BackendGrain(
    [PersistentState("backend", StorageNames.Default)] IPersistentState<BackendGrainState> state,
    RoutingClock clock,
    ILogger<BackendGrain> logger) : Grain, IBackendGrain
{
    public async Task<BackendHealth> Configure(BackendSettings settings)
    {
        var previous = state.State.Settings;
        if (previous == settings) return state.State.Health;
        state.State.Settings = settings;
        if (previous is not null && previous.Identity != settings.Identity)
        {
            // A different upstream behind the same name: what we knew about the old one no longer applies.
            state.State.Health = BackendHealth.Healthy with { Transitions = state.State.Health.Transitions + 1 };
            Publish();
        }
        await Persist();
        return state.State.Health;
    }

    public async Task Report(AttemptReport report)
    {
        var quarantine = state.State.Settings?.QuarantineDuration ?? RouterTimers.DefaultQuarantineDuration;
        var next = CircuitBreaker.Apply(state.State.Health, report, clock.Now, quarantine);
        await Transition(next);
    }

    public async Task<ProbeDecision> TryAcquireProbe(string holder, TimeSpan lease)
    {
        var decision = CircuitBreaker.TryAcquireProbe(state.State.Health, holder, clock.Now, lease);
        if (decision.Granted && !ReferenceEquals(decision.Health, state.State.Health))
        {
            LogProbeGranted(this.GetPrimaryKeyString(), holder);
            await Transition(decision.Health);
        }
        return decision;
    }

    public Task<BackendHealth> GetHealth() => Task.FromResult(state.State.Health);

    private async Task Transition(BackendHealth next)
    {
        var current = state.State.Health;
        if (ReferenceEquals(next, current)) return;
        state.State.Health = next;
        if (current.State != next.State)
            LogTransition(this.GetPrimaryKeyString(), current.State, next.State, next.OpenUntil, next.LastError ?? "");
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
            LogPersistFailed(this.GetPrimaryKeyString(), ex.Message);
        }
    }

    private async Task TryWrite()
    {
        try { await state.WriteStateAsync(); }
        catch (Exception ex) { LogPersistFailed(this.GetPrimaryKeyString(), ex.Message); }
    }

    private void Publish()
    {
        if (state.State.Settings is not { } settings) return;
        // One-way: the routing table never calls back into this grain, and ordering is by Transitions.
        GrainFactory.GetGrain<IRoutingTableGrain>(settings.Router.ToString()).BackendChanged(settings.Name, state.State.Health).Ignore();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "backend {Backend}: circuit {From} -> {To} (open until {OpenUntil:O}) {Error}")]
    private partial void LogTransition(string backend, CircuitState from, CircuitState to, DateTimeOffset openUntil, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "backend {Backend}: state not persisted, kept in memory: {Error}")]
    private partial void LogPersistFailed(string backend, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "backend {Backend}: half-open probe lease granted to {Holder}")]
    private partial void LogProbeGranted(string backend, string holder);
}
