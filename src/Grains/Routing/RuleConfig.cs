using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>One compiled rule.</summary>
[GenerateSerializer, Immutable]
public sealed record RuleConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] DataClassification,
    [property: Id(2)] string? TaskComplexity,
    [property: Id(3)] string[] RequiredCapabilities,
    [property: Id(4)] HeaderCondition[] Headers,
    [property: Id(5)] string[] Models,
    [property: Id(6)] string[] Backends,
    [property: Id(7)] RouteStrategy Strategy,
    [property: Id(8)] bool FailClosed,
    [property: Id(9)] TimeSpan? Timeout);
