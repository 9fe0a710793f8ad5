namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class InferenceServiceStatus
{
    [Id(0)] public string? Phase { get; set; }
    /// <summary>The address the service answers on, e.g. <c>http://127.0.0.1:8081/v1/chat/completions</c>.</summary>
    [Id(1)] public string? Endpoint { get; set; }
    [Id(2)] public int? ReadyReplicas { get; set; }
}
