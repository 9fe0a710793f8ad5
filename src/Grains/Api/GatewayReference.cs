namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class GatewayReference
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Namespace { get; set; }
}
