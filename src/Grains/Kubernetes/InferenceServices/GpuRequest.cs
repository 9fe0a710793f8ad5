using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>The GPUs each pod requests, and the extended resource that names them.</summary>
public sealed record GpuRequest(int Count, string Resource)
{
    public const string Nvidia = "nvidia.com/gpu";
    public const string Amd = "amd.com/gpu";

    public bool IsAmd => Resource == Amd;

    /// <summary>
    /// The Model's <c>hardware.gpu.count</c> when set, else <c>spec.resources.gpu</c>, else one GPU when the Model
    /// asks for a GPU (<c>gpu.enabled</c>, or accelerator cuda or rocm), else none. The vendor is
    /// <c>gpu.vendor</c>, defaulting to amd for rocm and nvidia otherwise.
    /// </summary>
    public static GpuRequest For(Model model, InferenceServiceSpec spec)
    {
        var hardware = model.Spec?.Hardware;
        var gpu = hardware?.Gpu;
        var accelerator = hardware?.Accelerator;
        var count = gpu?.Count is > 0 ? gpu.Count.Value
            : spec.Resources?.Gpu is > 0 ? spec.Resources.Gpu.Value
            : gpu?.Enabled == true || accelerator is "cuda" or "rocm" ? 1
            : 0;
        var vendor = gpu?.Vendor ?? (accelerator == "rocm" ? "amd" : "nvidia");
        return new GpuRequest(count, vendor == "amd" ? Amd : Nvidia);
    }

    /// <summary>llama.cpp <c>--n-gpu-layers</c>: the Model's <c>gpu.layers</c>; unset, 0 or -1 offload every layer (99).</summary>
    public static int Layers(Model model) => model.Spec?.Hardware?.Gpu?.Layers is { } layers and > 0 ? layers : 99;
}
