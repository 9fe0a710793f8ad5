using System.Text.Json.Serialization;

namespace LLMKube.Gateway.Hosting;

/// <summary>The body of <c>GET /readyz</c>.</summary>
public sealed record ReadyStatus(string Status, string Router, long Version);

[JsonSerializable(typeof(ReadyStatus))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
