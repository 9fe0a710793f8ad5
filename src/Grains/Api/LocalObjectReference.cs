namespace LLMKube.Grains.Api;

/// <summary>A reference to another object in the same namespace by name.</summary>
[GenerateSerializer]
public sealed class LocalObjectReference
{
    [Id(0)] public string? Name { get; set; }
}
