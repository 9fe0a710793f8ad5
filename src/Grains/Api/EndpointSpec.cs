namespace LLMKube.Grains.Api;

/// <summary><c>spec.endpoint</c>, shared by ModelRouter and InferenceService.</summary>
[GenerateSerializer]
public sealed class EndpointSpec
{
    [Id(0)] public int? Port { get; set; }
    [Id(1)] public string? Path { get; set; }
    [Id(2)] public string? Type { get; set; }
    [Id(3)] public int? NodePort { get; set; }
}
