namespace LLMKube.Grains.Api;

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
