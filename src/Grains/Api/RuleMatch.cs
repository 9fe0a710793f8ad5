using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.rules[].match</c>: all present conditions must hold.</summary>
[GenerateSerializer]
public sealed class RuleMatch
{
    [Id(0), MaxLength(SchemaLimits.MaxListItems)] public List<string>? DataClassification { get; set; }
    [Id(1), AllowedValues("simple", "moderate", "complex")] public string? TaskComplexity { get; set; }
    [Id(2), MaxLength(SchemaLimits.MaxListItems)] public List<string>? RequiredCapabilities { get; set; }
    [Id(3)] public int? LatencySLOMs { get; set; }
    [Id(4)] public Dictionary<string, string>? Headers { get; set; }
    [Id(5), MaxLength(SchemaLimits.MaxListItems)] public List<string>? Models { get; set; }
}
