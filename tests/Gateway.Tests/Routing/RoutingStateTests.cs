using LLMKube.Gateway.Routing;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Routing;

/// <summary>
/// Snapshot application: versions within an epoch, any version from a new epoch, backend runtimes (and
/// their local breakers) that survive swaps unless the backend's upstream changed. The grain factory is
/// a real one, from a standalone gateway's co-hosted silo; these snapshots never reach its grains.
/// </summary>
public sealed class RoutingStateTests(RoutingStateTests.Silo silo) : IClassFixture<RoutingStateTests.Silo>
{
    /// <summary>One standalone gateway per class, for its <see cref="IGrainFactory"/>.</summary>
    public sealed class Silo : IAsyncLifetime
    {
        private GatewayHost _host = null!;

        public IGrainFactory Grains => _host.Service<IGrainFactory>();

        public async Task InitializeAsync()
            => _host = await GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("a", 1), specExtra: "defaultRoute: a"));

        public async Task DisposeAsync() => await _host.DisposeAsync();
    }

    private static readonly ObjectKey Router = new("default", "unit");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private readonly Guid _epoch = Guid.NewGuid();

    private RoutingState State() => new(silo.Grains, new RoutingClock(_clock), new GatewayIdentity(), TimeProvider.System);

    private static BackendConfig Backend(string name, string address = "http://10.0.0.1:8080")
        => Plans.Backend(name) with { Address = address };

    private RoutingSnapshot Snapshot(long version, BackendConfig[] backends, Guid? epoch = null, int threshold = 3,
        IReadOnlyDictionary<string, BackendHealth>? health = null)
    {
        var config = new RouterConfig(Router, $"hash-{version}", backends, [], backends[0].Name, false,
            RouterSpecDefaults.DefaultClassificationHeader, ["pii"], RouterTimers.Default) { Breaker = new BreakerSettings(threshold) };
        return new RoutingSnapshot(epoch ?? _epoch, version, config, health ?? new Dictionary<string, BackendHealth>());
    }

    private BackendHealth Open(long transitions) => CircuitBreaker.Apply(BackendHealth.Healthy,
        new AttemptReport(AttemptVerdict.Failure, "refused", null, "other"), _clock.GetUtcNow(), BreakerPolicy.Default) with { Transitions = transitions };

    [Fact]
    public async Task FirstSnapshot_IsApplied_ReadyCompletes_AndAppliedIsRaised()
    {
        var state = State();
        RoutePlan? raised = null;
        state.Applied += p => raised = p;
        Assert.Null(state.Current);
        Assert.False(state.Ready.IsCompleted);

        Assert.True(state.Apply(Snapshot(1, [Backend("a")])));

        await state.Ready;
        Assert.Same(state.Current, raised);
        Assert.Equal(_clock.GetUtcNow(), state.LastContact);
    }

    [Fact]
    public void WithinAnEpoch_OnlyAHigherVersionIsApplied()
    {
        var state = State();
        state.Apply(Snapshot(5, [Backend("a")]));
        Assert.False(state.Apply(Snapshot(5, [Backend("a"), Backend("b")])));
        Assert.False(state.Apply(Snapshot(4, [Backend("a"), Backend("b")])));
        Assert.Single(state.Current!.Backends);
        Assert.True(state.Apply(Snapshot(6, [Backend("a"), Backend("b")])));
        Assert.Equal(2, state.Current!.Backends.Length);
    }

    [Fact]
    public void ANewEpoch_IsAppliedWhateverItsVersion_AndResetsSharedHealth()
    {
        var state = State();
        state.Apply(Snapshot(9, [Backend("a")], health: new Dictionary<string, BackendHealth> { ["a"] = Open(7) }));
        Assert.Equal(CircuitState.Open, state.Current!.ByName["a"].Effective.State);

        // A re-activated routing table starts again at version 1, with fewer transitions than we hold.
        var rebuilt = Guid.NewGuid();
        Assert.True(state.Apply(Snapshot(1, [Backend("a")], rebuilt, health: new Dictionary<string, BackendHealth> { ["a"] = BackendHealth.Healthy })));
        Assert.Equal(rebuilt, state.Current!.Snapshot.Epoch);
        Assert.True(state.Current.ByName["a"].Effective.IsClosed);
    }

    [Fact]
    public void Runtimes_SurviveSwaps_WithTheirLocalBreaker_AndTakeTheNewPolicy()
    {
        var state = State();
        state.Apply(Snapshot(1, [Backend("a"), Backend("b")]));
        var a = state.Current!.ByName["a"];
        a.OnOutcome(AttemptVerdict.ServerError, "a returned 500", null, wasProbe: false);

        state.Apply(Snapshot(2, [Backend("a"), Backend("b")], threshold: 2));

        Assert.Same(a, state.Current!.ByName["a"]);
        Assert.Equal(1, a.Effective.Consecutive5xx);
        Assert.Equal(2, a.Policy.Consecutive5xxThreshold);
        a.OnOutcome(AttemptVerdict.ServerError, "a returned 500", null, wasProbe: false);
        Assert.Equal(CircuitState.Open, a.Effective.State);
    }

    [Fact]
    public void StalePush_DoesNotUndoANewerState()
    {
        var state = State();
        state.Apply(Snapshot(1, [Backend("a")], health: new Dictionary<string, BackendHealth> { ["a"] = Open(4) }));
        state.Apply(Snapshot(2, [Backend("a")], health: new Dictionary<string, BackendHealth> { ["a"] = BackendHealth.Healthy with { Transitions = 3 } }));
        Assert.Equal(CircuitState.Open, state.Current!.ByName["a"].Effective.State);
    }

    [Fact]
    public void ABackendWhoseUpstreamChanged_GetsAFreshRuntime_WithoutTheOldOverlay()
    {
        var state = State();
        state.Apply(Snapshot(1, [Backend("a"), Backend("b")]));
        var a = state.Current!.ByName["a"];
        var b = state.Current.ByName["b"];
        a.OnOutcome(AttemptVerdict.Failure, "refused", null, wasProbe: false);
        b.OnOutcome(AttemptVerdict.Failure, "refused", null, wasProbe: false);

        state.Apply(Snapshot(2, [Backend("a", "http://10.0.0.9:8080"), Backend("b")]));

        var moved = state.Current!.ByName["a"];
        Assert.NotSame(a, moved);
        Assert.True(moved.Effective.IsClosed);
        Assert.Equal("http://10.0.0.9:8080|openai|", moved.Upstream);
        Assert.Same(b, state.Current.ByName["b"]);
        Assert.Equal(CircuitState.Open, b.Effective.State);
    }
}
