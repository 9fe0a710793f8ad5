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

/// <summary>The subset of Kubernetes <c>ObjectMeta</c> the router reads.</summary>
[GenerateSerializer]
public sealed class ObjectMeta
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Namespace { get; set; }
    [Id(2)] public long? Generation { get; set; }
    [Id(3)] public Dictionary<string, string>? Labels { get; set; }
    [Id(4)] public Dictionary<string, string>? Annotations { get; set; }
    [Id(5)] public string? ResourceVersion { get; set; }
    [Id(6)] public string? Uid { get; set; }

    public string NamespaceOrDefault => string.IsNullOrEmpty(Namespace) ? ObjectKey.DefaultNamespace : Namespace;
}

/// <summary>A reference to another object in the same namespace by name.</summary>
[GenerateSerializer]
public sealed class LocalObjectReference
{
    [Id(0)] public string? Name { get; set; }
}
