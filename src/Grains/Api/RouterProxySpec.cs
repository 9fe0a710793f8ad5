using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>
/// <c>spec.proxy</c>: the gateway Deployment's shape and its data-plane timers. <c>connectTimeout</c>,
/// <c>streamIdleTimeout</c> and <c>maxStreamDuration</c> are LLMKube.Orleans additions.
/// </summary>
[GenerateSerializer]
public sealed class RouterProxySpec
{
    [Id(0), Range(SchemaLimits.MinProxyReplicas, SchemaLimits.MaxProxyReplicas), Description("Gateway pods of this router (default 2).")] public int? Replicas { get; set; }
    [Id(1)] public int? RevisionHistoryLimit { get; set; }
    [Id(2)] public string? Image { get; set; }
    [Id(3)] public Dictionary<string, Dictionary<string, string>>? Resources { get; set; }
    [Id(4)] public List<LocalObjectReference>? ImagePullSecrets { get; set; }
    [Id(5), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? QuarantineDuration { get; set; }
    [Id(6), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? ResponseHeaderTimeout { get; set; }
    [Id(7)] public Dictionary<string, string>? NodeSelector { get; set; }
    [Id(8), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? ConnectTimeout { get; set; }
    [Id(9), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? StreamIdleTimeout { get; set; }
    [Id(10), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? MaxStreamDuration { get; set; }
    /// <summary>Upstream 5xx answers in a row that open a backend's circuit; 3 when unset. An LLMKube.Orleans addition.</summary>
    [Id(11), Range(1, 100)] public int? Consecutive5xxThreshold { get; set; }
    /// <summary>
    /// When every candidate of a rule that is not fail-closed is quarantined, try the one that failed longest
    /// ago instead of refusing the request; true when unset. An LLMKube.Orleans addition.
    /// </summary>
    [Id(12)] public bool? PanicMode { get; set; }
}
