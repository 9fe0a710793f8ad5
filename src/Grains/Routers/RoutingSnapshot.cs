using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Routers;

/// <summary>
/// Everything a gateway routes from: one router's compiled config and the shared health of each of
/// its backends. <see cref="Epoch"/> changes when the RoutingTable grain is re-activated, so a gateway
/// can tell a fresh projection from an old one even when version numbers restart.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RoutingSnapshot(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version,
    [property: Id(2)] RouterConfig Config,
    [property: Id(3)] IReadOnlyDictionary<string, BackendHealth> Backends);
