using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class ClassificationPolicy
{
    [Id(0), AllowedValues("header-only", "detector", "hybrid")] public string? Mode { get; set; }
    [Id(1)] public string? HeaderKey { get; set; }
    [Id(2), MaxLength(SchemaLimits.MaxListItems)] public List<string>? SensitiveClassifications { get; set; }
}
