namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class InferenceServiceStatus
{
    [Id(0)] public string? Phase { get; set; }
    /// <summary>The address the service answers on, e.g. <c>http://127.0.0.1:8081/v1/chat/completions</c>.</summary>
    [Id(1)] public string? Endpoint { get; set; }
    [Id(2)] public int? ReadyReplicas { get; set; }
    /// <summary>The desired replicas, read by the scale subresource.</summary>
    [Id(3)] public int? Replicas { get; set; }
    [Id(4)] public long? ObservedGeneration { get; set; }
    [Id(5)] public List<Condition>? Conditions { get; set; }
}
