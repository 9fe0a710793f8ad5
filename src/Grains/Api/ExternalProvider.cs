namespace LLMKube.Grains.Api;

/// <summary><c>spec.backends[].external</c>: an out-of-cluster provider.</summary>
[GenerateSerializer]
public sealed class ExternalProvider
{
    [Id(0)] public string? Provider { get; set; }
    [Id(1)] public string? Url { get; set; }
    [Id(2)] public string? Model { get; set; }
    [Id(3)] public LocalObjectReference? CredentialsSecretRef { get; set; }
}
