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
}
