namespace LLMKube.Grains.Api;

/// <summary>A core/v1 <c>Secret</c>; standalone mode reads provider credentials from it.</summary>
public sealed class Secret : KubeObject
{
    public const string KindName = "Secret";

    /// <summary>Base64-encoded values, as in Kubernetes.</summary>
    public Dictionary<string, string>? Data { get; set; }
    /// <summary>Plain-text values; they win over <see cref="Data"/> for the same key.</summary>
    public Dictionary<string, string>? StringData { get; set; }
    public string? Type { get; set; }
}
