namespace LLMKube.Grains.Api;

/// <summary><c>spec.rules[]</c>: evaluated in order, the first match wins.</summary>
[GenerateSerializer]
public sealed class RouterRule
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public RuleMatch? Match { get; set; }
    [Id(2)] public RuleRoute? Route { get; set; }
    [Id(3)] public bool FailClosed { get; set; }
    [Id(4)] public string? Timeout { get; set; }
}
