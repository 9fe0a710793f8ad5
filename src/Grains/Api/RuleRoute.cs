namespace LLMKube.Grains.Api;

/// <summary><c>spec.rules[].route</c>.</summary>
[GenerateSerializer]
public sealed class RuleRoute
{
    [Id(0)] public List<string>? Backends { get; set; }
    [Id(1)] public string? Strategy { get; set; }
}
