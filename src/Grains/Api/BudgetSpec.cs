namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class BudgetSpec
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Scope { get; set; }
    [Id(2)] public string? RuleName { get; set; }
    [Id(3)] public string? HeaderKey { get; set; }
    [Id(4)] public int? WindowSeconds { get; set; }
    [Id(5)] public long? MaxTokens { get; set; }
    [Id(6)] public string? MaxUSD { get; set; }
}
