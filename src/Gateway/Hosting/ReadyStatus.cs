using System.Text.Json.Serialization;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// The body of <c>GET /readyz</c>: <c>ready</c>, <c>degraded</c> (serving a snapshot the cluster has not confirmed
/// for <see cref="SnapshotAgeSeconds"/>), <c>not_ready</c> or <c>stopping</c>.
/// </summary>
/// <param name="Version">The router's config version, as the Router grain logs it ("config version N applied").</param>
/// <param name="Snapshot">The routing snapshot's version: it also moves with every backend health change.</param>
public sealed record ReadyStatus(
    string Status,
    string Router,
    long Version,
    long Snapshot,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? SnapshotAgeSeconds);
