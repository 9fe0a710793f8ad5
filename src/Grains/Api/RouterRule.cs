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

/// <summary><c>spec.rules[].match</c>: all present conditions must hold.</summary>
[GenerateSerializer]
public sealed class RuleMatch
{
    [Id(0)] public List<string>? DataClassification { get; set; }
    [Id(1)] public string? TaskComplexity { get; set; }
    [Id(2)] public List<string>? RequiredCapabilities { get; set; }
    [Id(3)] public int? LatencySLOMs { get; set; }
    [Id(4)] public Dictionary<string, string>? Headers { get; set; }
    [Id(5)] public List<string>? Models { get; set; }
}

/// <summary><c>spec.rules[].route</c>.</summary>
[GenerateSerializer]
public sealed class RuleRoute
{
    [Id(0)] public List<string>? Backends { get; set; }
    [Id(1)] public string? Strategy { get; set; }
}
