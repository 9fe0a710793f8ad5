using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace LLMKube.Grains.Api;

/// <summary><c>Model.spec.hardware</c>.</summary>
[GenerateSerializer]
public sealed class ModelHardware
{
    [Id(0), AllowedValues("cpu", "metal", "cuda", "rocm"),
     Description("cpu (default), cuda or rocm run in the cluster; metal runs natively on a Mac through the Metal agent.")]
    public string? Accelerator { get; set; }

    [Id(1)] public ModelGpu? Gpu { get; set; }
}
