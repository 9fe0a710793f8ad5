using System.ComponentModel;

namespace LLMKube.Grains.Api;

/// <summary><c>Model.status</c>, written by the Model's reconciler.</summary>
[GenerateSerializer]
public sealed class ModelStatus
{
    [Id(0), Description("Pending, Ready or Failed.")] public string? Phase { get; set; }

    [Id(1), Description("Size of the weights file, human-readable (e.g. 4.1 GiB), when known.")] public string? Size { get; set; }

    [Id(2), Description("Where the weights are, when the source fixes it: /model-source/<path> for pvc:// sources (the claim mounted read-only), the local path for local sources.")] public string? Path { get; set; }

    [Id(3), Description("First 16 hex digits of the SHA-256 of the source text: the cache folder of a downloaded http(s) file.")] public string? CacheKey { get; set; }

    [Id(4)] public GgufMetadata? Gguf { get; set; }
    [Id(5)] public long? ObservedGeneration { get; set; }
    [Id(6)] public List<Condition>? Conditions { get; set; }
}
