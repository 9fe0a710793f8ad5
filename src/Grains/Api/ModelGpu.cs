using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace LLMKube.Grains.Api;

/// <summary><c>Model.spec.hardware.gpu</c>: GPUs each serving pod requests.</summary>
[GenerateSerializer]
public sealed class ModelGpu
{
    [Id(0), Description("Request GPUs for pods serving this model.")] public bool? Enabled { get; set; }

    [Id(1), Range(0, 8), Description("GPUs per pod; 0 or unset falls back to the InferenceService's resources.gpu, then 1.")]
    public int? Count { get; set; }

    [Id(2), AllowedValues("nvidia", "amd"), Description("nvidia (default, nvidia.com/gpu) or amd (amd.com/gpu).")]
    public string? Vendor { get; set; }

    [Id(3), Range(-1, 999), Description("Layers offloaded to the GPU (llama.cpp --n-gpu-layers); unset, 0 or -1 mean all (99).")]
    public int? Layers { get; set; }
}
