using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Routers;

/// <summary>
/// The projection gateways subscribe to, keyed <c>namespace/router</c>: the router's config plus
/// every backend's health, one versioned snapshot pushed to observers on each change.
/// </summary>
public interface IRoutingTableGrain : IGrainWithStringKey
{
    /// <summary>Replaces the config (from the Router grain) and the health of its backends.</summary>
    Task Publish(RouterConfig config, IReadOnlyDictionary<string, BackendHealth> health);

    /// <summary>A Backend grain's new health. One-way; stale values (fewer transitions) are ignored.</summary>
    [OneWay]
    Task BackendChanged(string backend, BackendHealth health);

    /// <summary>The current snapshot, or null while the router has no config.</summary>
    Task<RoutingSnapshot?> GetSnapshot();

    [AlwaysInterleave]
    Task<SnapshotVersion> GetVersion();

    /// <summary>Adds or refreshes a subscription; subscriptions expire unless refreshed.</summary>
    Task Subscribe(IRoutingTableObserver observer);

    Task Unsubscribe(IRoutingTableObserver observer);
}
