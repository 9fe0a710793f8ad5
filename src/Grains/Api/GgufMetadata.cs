namespace LLMKube.Grains.Api;

/// <summary><c>Model.status.gguf</c>: what the GGUF header of the weights file says.</summary>
[GenerateSerializer]
public sealed class GgufMetadata
{
    [Id(0)] public string? Architecture { get; set; }
    [Id(1)] public string? ModelName { get; set; }
    [Id(2)] public string? Quantization { get; set; }
    [Id(3)] public long? ContextLength { get; set; }
    [Id(4)] public long? EmbeddingSize { get; set; }
    [Id(5)] public long? LayerCount { get; set; }
    [Id(6)] public long? HeadCount { get; set; }
    [Id(7)] public long? TensorCount { get; set; }
    [Id(8)] public int? FileVersion { get; set; }
    [Id(9)] public string? License { get; set; }
}
