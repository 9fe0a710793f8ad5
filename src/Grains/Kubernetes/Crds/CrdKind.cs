namespace LLMKube.Grains.Kubernetes.Crds;

/// <summary>One printer column of <c>kubectl get</c>.</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority = 0, string? Description = null);

/// <summary>What a CRD needs beyond its schema: names, columns and subresources. Adding a kind is one of these.</summary>
public sealed record CrdKind(
    string Kind,
    string Plural,
    string[] ShortNames,
    Type Spec,
    Type Status,
    PrinterColumn[] Columns,
    bool Scale = false)
{
    public string Name => $"{Plural}.{KubeNames.Group}";

    /// <summary>The file under <c>helm/llmkube-orleans/crds/</c>.</summary>
    public string FileName => $"{KubeNames.Group}_{Plural}.yaml";
}
