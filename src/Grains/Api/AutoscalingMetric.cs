using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>One metric of <c>spec.autoscaling.metrics</c>.</summary>
[GenerateSerializer]
[CelRule("self.type != 'Pods' || has(self.targetAverageValue)", "a Pods metric needs targetAverageValue")]
[CelRule("self.type != 'Resource' || self.name in ['cpu', 'memory']", "a Resource metric is cpu or memory")]
[CelRule("self.type != 'Resource' || has(self.targetAverageValue) != has(self.targetAverageUtilization)", "a Resource metric needs exactly one of targetAverageValue or targetAverageUtilization")]
[CelRule("self.type != 'Pods' || !has(self.targetAverageUtilization)", "a Pods metric has no targetAverageUtilization")]
public sealed class AutoscalingMetric
{
    [Id(0), Required, AllowedValues("Pods", "Resource"), Description("Pods (a per-pod custom metric) or Resource (cpu or memory).")]
    public string? Type { get; set; }

    [Id(1), Required, MaxLength(253)] public string? Name { get; set; }

    [Id(2), RegularExpression(InferenceServiceLimits.QuantityPattern), MaxLength(64)] public string? TargetAverageValue { get; set; }

    [Id(3), Range(1, 1000), Description("Percent of the pods' request (Resource metrics; needs that request in spec.resources).")]
    public int? TargetAverageUtilization { get; set; }
}
