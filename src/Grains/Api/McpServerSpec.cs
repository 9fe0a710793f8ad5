namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class McpServerSpec
{
    [Id(0)] public bool Enabled { get; set; }
}
