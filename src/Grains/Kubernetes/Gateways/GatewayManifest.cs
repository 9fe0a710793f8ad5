using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>One generated object and its kind, as the writer applies it.</summary>
public sealed record GatewayManifest(ResourceKind Kind, JsonObject Object)
{
    public string Name => (string)Object["metadata"]!["name"]!;
}
