namespace LLMKube.Grains.Api;

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
