using System.Text.Json.Serialization;

namespace LLMKube.Gateway.Hosting;

/// <summary>Source-generated JSON for the gateway's own small responses.</summary>
[JsonSerializable(typeof(ReadyStatus))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
