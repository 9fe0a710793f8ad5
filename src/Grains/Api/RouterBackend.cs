using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.backends[]</c>: one place a request can be sent.</summary>
[GenerateSerializer]
[CelRule("has(self.inferenceServiceRef) != has(self.external)", "exactly one of inferenceServiceRef or external must be set")]
public sealed class RouterBackend
{
    [Id(0), Required, RegularExpression(Validation.ModelRouterValidator.NamePattern), MaxLength(SchemaLimits.MaxNameLength)] public string? Name { get; set; }
    [Id(1)] public string? DisplayName { get; set; }
    [Id(2)] public LocalObjectReference? InferenceServiceRef { get; set; }
    [Id(3)] public ExternalProvider? External { get; set; }
    /// <summary><c>local</c> or <c>cloud</c>; unset means local for an InferenceService and cloud for an external provider.</summary>
    [Id(4), AllowedValues("local", "cloud")] public string? Tier { get; set; }
    [Id(5), MaxLength(SchemaLimits.MaxListItems)] public List<string>? Capabilities { get; set; }
    /// <summary>Share of traffic under the <c>weighted</c> strategy; 1 when unset.</summary>
    [Id(6), Range(0, int.MaxValue)] public int? Weight { get; set; }
    [Id(7)] public CostPerMillionTokens? CostPerMillionTokens { get; set; }
    [Id(8)] public HealthCheckSpec? HealthCheck { get; set; }
    [Id(9), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? Timeout { get; set; }
}
