namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class CostPerMillionTokens
{
    [Id(0)] public string? PromptUSD { get; set; }
    [Id(1)] public string? CompletionUSD { get; set; }
}
