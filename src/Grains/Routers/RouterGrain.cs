using LLMKube.Grains.Hosting;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Routers;

/// <inheritdoc cref="IRouterGrain"/>
/// <remarks>
/// A config is accepted once it is in memory: a failed write to storage is retried with the next apply,
/// and storage never holds credential values (they stay in memory and come again with the next apply);
/// and a failed publish to the RoutingTable is retried on a grain timer, with backoff, until it lands.
/// </remarks>
public sealed partial class RouterGrain(
    [PersistentState("router", StorageNames.Default)] IPersistentState<RouterGrainState> state,
    ILogger<RouterGrain> logger) : Grain, IRouterGrain
{
    /// <summary>The first publish retry waits this long; each further failure doubles it up to <see cref="MaxPublishRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstPublishRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two publish retries.</summary>
    public static readonly TimeSpan MaxPublishRetryDelay = TimeSpan.FromSeconds(30);

    private bool _unsaved;
    // The config in force, with the credential values read from Secrets; storage gets it without them.
    private RouterConfig? _live;
    private int _publishFailures;
    private IGrainTimer? _publishRetry;

    public async Task<long> Apply(RouterConfig config)
    {
        if (state.State.Config?.SpecHash == config.SpecHash)
        {
            if (_live is null && state.State.Config is { } stored)
            {
                // Re-activated from storage, which holds no credential values: take them from the same config again.
                _live = config with { Version = stored.Version };
                if (config.HasSecretValues) await TryPublish(null);
            }
            if (_unsaved) await Persist(); // the same config applied again once storage is back
            if (_publishRetry is not null) await TryPublish(null);
            return state.State.Version;
        }

        var health = await ConfigureBackends(config);
        state.State.Version++;
        // Stamped into the config, so gateways report the version this grain logs.
        _live = config with { Version = state.State.Version };
        state.State.Config = _live.WithoutSecretValues();
        // Routing must not wait for Redis: the config is served from memory and saved when storage allows.
        await Persist();
        await TryPublish(health);
        Log.Applied(logger, config.Router.ToString(), state.State.Version, config.Backends.Length, config.Rules.Length);
        return state.State.Version;
    }

    public Task<RouterConfig?> GetConfig() => Task.FromResult(_live ?? state.State.Config);

    /// <summary>The wait before publish retry number <paramref name="failures"/> (1 for the first).</summary>
    internal static TimeSpan PublishRetryDelay(int failures)
    {
        var delay = FirstPublishRetryDelay;
        for (var i = 1; i < failures && delay < MaxPublishRetryDelay; i++) delay *= 2;
        return delay < MaxPublishRetryDelay ? delay : MaxPublishRetryDelay;
    }

    // Gateways learn a config only from the RoutingTable: until a publish lands, keep trying.
    // A retry configures the Backend grains again (a no-op when unchanged) to publish their current health.
    private async Task TryPublish(IReadOnlyDictionary<string, BackendHealth>? health)
    {
        var config = _live ?? state.State.Config!;
        try
        {
            health ??= await ConfigureBackends(config);
            await GrainFactory.GetGrain<IRoutingTableGrain>(config.Router.ToString()).Publish(config, health);
            if (_publishFailures > 0) Log.Published(logger, config.Router.ToString(), state.State.Version, _publishFailures);
            _publishFailures = 0;
            _publishRetry?.Dispose();
            _publishRetry = null;
        }
        catch (Exception ex)
        {
            _publishFailures++;
            var delay = PublishRetryDelay(_publishFailures);
            Log.PublishFailed(logger, config.Router.ToString(), state.State.Version, delay, ex);
            // KeepAlive: the activation must not be collected while gateways still wait for this config.
            _publishRetry ??= this.RegisterGrainTimer(static (self, _) => self.RetryPublish(), this,
                new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
            _publishRetry.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private Task RetryPublish() => _publishRetry is null ? Task.CompletedTask : TryPublish(null);

    private async Task Persist()
    {
        try
        {
            await state.WriteStateAsync();
            _unsaved = false;
        }
        catch (Exception ex)
        {
            _unsaved = true;
            Log.NotPersisted(logger, this.GetPrimaryKeyString(), ex);
        }
    }

    private async Task<Dictionary<string, BackendHealth>> ConfigureBackends(RouterConfig config)
    {
        var tasks = config.Backends.Select(b => GrainFactory
            .GetGrain<IBackendGrain>(IBackendGrain.Key(config.Router, b.Name))
            .Configure(new BackendSettings(config.Router, b.Name, b.UpstreamIdentity, BreakerPolicy.For(config, b), b.HealthCheck)));
        var results = await Task.WhenAll(tasks);
        var health = new Dictionary<string, BackendHealth>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++) health[config.Backends[i].Name] = results[i];
        return health;
    }
}
