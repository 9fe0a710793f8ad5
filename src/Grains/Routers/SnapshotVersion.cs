using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Routers;

/// <summary>The (epoch, version) pair gateways poll to detect missed pushes.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SnapshotVersion(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version);
