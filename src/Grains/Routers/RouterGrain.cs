using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Routers;

/// <summary>Persisted state of a Router grain.</summary>
[GenerateSerializer]
public sealed class RouterGrainState
{
    [Id(0)] public RouterConfig? Config { get; set; }
    [Id(1)] public long Version { get; set; }
}

/// <inheritdoc cref="IRouterGrain"/>
public sealed partial class RouterGrain(
    [PersistentState("router", StorageNames.Default)] IPersistentState<RouterGrainState> state,
    ILogger<RouterGrain> logger) : Grain, IRouterGrain
{
    private bool _unsaved;

    public async Task<long> Apply(RouterConfig config)
    {
        if (state.State.Config?.SpecHash == config.SpecHash)
        {
            if (_unsaved) await Persist(); // the same config applied again once storage is back
            return state.State.Version;
        }

        var health = await ConfigureBackends(config);
        state.State.Config = config;
        state.State.Version++;
        // Routing must not wait for Redis: the config is served from memory and saved when storage allows.
        await Persist();
        await GrainFactory.GetGrain<IRoutingTableGrain>(config.Router.ToString()).Publish(config, health);
        LogApplied(config.Router, state.State.Version, config.Backends.Length, config.Rules.Length);
        return state.State.Version;
    }

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
            LogNotPersisted(this.GetPrimaryKeyString(), ex.Message);
        }
    }

    public Task<RouterConfig?> GetConfig() => Task.FromResult(state.State.Config);

    private async Task<Dictionary<string, BackendHealth>> ConfigureBackends(RouterConfig config)
    {
        var tasks = config.Backends.Select(b => GrainFactory
            .GetGrain<IBackendGrain>(IBackendGrain.Key(config.Router, b.Name))
            .Configure(new BackendSettings(config.Router, b.Name, Identity(b), config.Timers.QuarantineDuration)));
        var results = await Task.WhenAll(tasks);
        var health = new Dictionary<string, BackendHealth>(StringComparer.Ordinal);
        for (var i = 0; i < results.Length; i++) health[config.Backends[i].Name] = results[i];
        return health;
    }

    // What makes a backend "the same upstream": a change here resets its circuit, anything else keeps it.
    private static string Identity(BackendConfig backend) => $"{backend.Address}|{backend.Provider}|{backend.InferenceService}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "router {Router}: config not persisted, served from memory until storage returns: {Error}")]
    private partial void LogNotPersisted(string router, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "router {Router}: config version {Version} applied ({Backends} backends, {Rules} rules)")]
    private partial void LogApplied(ObjectKey router, long version, int backends, int rules);
}
