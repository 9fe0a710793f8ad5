using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Routers;

/// <summary>
/// The owner of one ModelRouter, keyed <c>namespace/name</c>: holds the validated, compiled config
/// and its version, configures the router's Backend grains and publishes to the RoutingTable.
/// </summary>
public interface IRouterGrain : IGrainWithStringKey
{
    /// <summary>Applies a compiled config; a config with the same spec hash is a no-op. Returns the config version.</summary>
    Task<long> Apply(RouterConfig config);

    /// <summary>The current config, or null when none was applied. Safe to call while an apply is in flight.</summary>
    [AlwaysInterleave]
    Task<RouterConfig?> GetConfig();
}
