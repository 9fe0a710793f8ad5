using LLMKube.Grains.Routers;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace LLMKube.Grains.Backends;

/// <summary>Persisted state of a Backend grain.</summary>
[GenerateSerializer]
public sealed class BackendGrainState
{
    [Id(0)] public BackendSettings? Settings { get; set; }
    [Id(1)] public BackendHealth Health { get; set; } = BackendHealth.Healthy;

    /// <summary>Lifecycle blocks by source (<see cref="LifecycleSource"/>), each with its reason.</summary>
    [Id(2)] public Dictionary<string, string> Blocks { get; set; } = [];
}
