using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>InferenceService.spec.resources</c>: what each pod requests.</summary>
[GenerateSerializer]
public sealed class InferenceServiceResources
{
    [Id(0), RegularExpression(InferenceServiceLimits.QuantityPattern), MaxLength(64), Description("CPU request (a quantity as a string, e.g. \"4\" or \"500m\").")]
    public string? Cpu { get; set; }

    [Id(1), RegularExpression(InferenceServiceLimits.QuantityPattern), MaxLength(64), Description("Memory request (e.g. \"16Gi\").")]
    public string? Memory { get; set; }

    [Id(2), Range(0, InferenceServiceLimits.MaxGpus), Description("GPUs per pod when the Model's hardware.gpu.count is unset.")]
    public int? Gpu { get; set; }
}
