namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class ClassificationPolicy
{
    [Id(0)] public string? Mode { get; set; }
    [Id(1)] public string? HeaderKey { get; set; }
    [Id(2)] public List<string>? SensitiveClassifications { get; set; }
}
