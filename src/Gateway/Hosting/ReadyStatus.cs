using System.Text.Json.Serialization;

namespace LLMKube.Gateway.Hosting;

/// <summary>The body of <c>GET /readyz</c>: <c>ready</c>, <c>degraded</c> (serving a snapshot the cluster has not confirmed for <see cref="SnapshotAgeSeconds"/>) or <c>not_ready</c>.</summary>
public sealed record ReadyStatus(string Status, string Router, long Version, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SnapshotAgeSeconds);

[JsonSerializable(typeof(ReadyStatus))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
