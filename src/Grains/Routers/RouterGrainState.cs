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
