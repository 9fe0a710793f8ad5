using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>A header condition: the (lower-case) name must be present with exactly this value.</summary>
[GenerateSerializer, Immutable]
public sealed record HeaderCondition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Value);
