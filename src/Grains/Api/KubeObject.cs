namespace LLMKube.Grains.Api;

/// <summary>Fields every Kubernetes object carries: <c>apiVersion</c>, <c>kind</c>, <c>metadata</c>.</summary>
[GenerateSerializer]
public abstract class KubeObject
{
    /// <summary>The API group and version of every LLMKube kind.</summary>
    public const string LLMKubeApiVersion = "inference.llmkube.dev/v1alpha1";

    [Id(0)] public string? ApiVersion { get; set; }
    [Id(1)] public string? Kind { get; set; }
    [Id(2)] public ObjectMeta Metadata { get; set; } = new();

    /// <summary><c>namespace/name</c>, with <c>default</c> for an object that names no namespace.</summary>
    public ObjectKey Key => new(Metadata.Namespace, Metadata.Name ?? "");
}
