using System.Text.RegularExpressions;
using LLMKube.Grains.Api;
using LLMKube.Grains.Models;

namespace LLMKube.Grains.Validation;

/// <summary>
/// The one validator of a <c>Model</c>, for the admission webhook and the reconciler: what the CRD schema enforces,
/// the supported source forms (with the host-path allowlist of the silo), and hardware/format combinations nothing
/// could run. Runtime-specific checks (can this runtime pull a repo?) belong to the InferenceService that uses the Model.
/// </summary>
public static partial class ModelValidator
{
    /// <summary>The weight formats accepted.</summary>
    public static readonly IReadOnlyList<string> Formats = ["gguf", "safetensors"];

    /// <summary>The accelerators accepted.</summary>
    public static readonly IReadOnlyList<string> Accelerators = ["cpu", "metal", "cuda", "rocm"];

    private static readonly string[] _vendors = ["nvidia", "amd"];

    /// <summary>Validates with the default policy, which refuses every local source (no allowed roots).</summary>
    public static IReadOnlyList<FieldError> Validate(Model model) => Validate(model, ModelSourcePolicy.Default);

    /// <summary>Validates <paramref name="model"/> and returns all errors; empty means valid. Local sources must lie under <paramref name="policy"/>'s roots.</summary>
    public static IReadOnlyList<FieldError> Validate(Model model, ModelSourcePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(model.Metadata?.Name)) errors.Add(new("metadata.name", "name is required"));
        if (model.Spec is not { } spec)
        {
            errors.Add(new("spec", "spec is required"));
            return errors;
        }

        var source = ModelSource.Parse(spec.Source);
        if (source.Kind == ModelSourceKind.Unsupported) errors.Add(new("spec.source", source.Error!));
        if (source.Kind == ModelSourceKind.HostPath && !policy.AllowsHostPath(source.HostPath!))
            errors.Add(new("spec.source", HostPathRefusal(source.HostPath!, policy)));

        CheckEnum(errors, "spec.format", spec.Format, Formats);
        var accelerator = spec.Hardware?.Accelerator;
        CheckEnum(errors, "spec.hardware.accelerator", accelerator, Accelerators);
        if (spec.Sha256 is { } sha)
        {
            if (!Sha256Regex().IsMatch(sha)) errors.Add(new("spec.sha256", "must be 64 hexadecimal digits"));
            else if (source.Kind is not (ModelSourceKind.Http or ModelSourceKind.Unsupported))
                errors.Add(new("spec.sha256", $"is checked only for http(s):// file sources, where the file is downloaded; remove it for a {Describe(source.Kind)} source"));
        }

        if (accelerator == "metal") CheckMetal(errors, spec, source);
        if (spec.Hardware?.Gpu is { } gpu) CheckGpu(errors, gpu, accelerator ?? "cpu");
        return errors;
    }

    /// <summary>The refusal of a local path outside the allowed roots, naming the setting that allows it.</summary>
    public static string HostPathRefusal(string path, ModelSourcePolicy policy)
        => policy.AllowedHostPathRoots.Count == 0
            ? $"local path {path} is refused: local sources are allowed only under {ModelSourcePolicy.HostPathRootsSetting}, which is empty"
            : $"local path {path} is not under an allowed root ({ModelSourcePolicy.HostPathRootsSetting}: {string.Join(", ", policy.AllowedHostPathRoots)})";

    // The Metal agent runs llama.cpp on a Mac outside the cluster: it can load one GGUF file from a URL or its own disk.
    private static void CheckMetal(List<FieldError> errors, ModelSpec spec, ModelSource source)
    {
        if (spec.Format == "safetensors")
            errors.Add(new("spec.format", "safetensors cannot run with accelerator metal: the Metal agent runs llama.cpp, which loads gguf"));
        if (source.Kind == ModelSourceKind.Pvc)
            errors.Add(new("spec.source", "a pvc:// source cannot be used with accelerator metal: the Metal agent runs outside the cluster and cannot mount a PersistentVolumeClaim"));
        if (source.Kind == ModelSourceKind.HuggingFaceRepo)
            errors.Add(new("spec.source", "a Hugging Face repo cannot be used with accelerator metal: the Metal agent loads one GGUF file (give its http(s):// URL, e.g. .../resolve/main/<file>.gguf, or a local path)"));
    }

    private static void CheckGpu(List<FieldError> errors, ModelGpu gpu, string accelerator)
    {
        if (gpu.Count is < 0 or > 8) errors.Add(new("spec.hardware.gpu.count", "must be between 0 and 8"));
        if (gpu.Layers is < -1 or > 999) errors.Add(new("spec.hardware.gpu.layers", "must be between -1 and 999"));
        CheckEnum(errors, "spec.hardware.gpu.vendor", gpu.Vendor, _vendors);
        if (accelerator == "cpu" && (gpu.Enabled == true || gpu.Count > 0))
            errors.Add(new("spec.hardware.gpu", "GPUs are requested only with accelerator cuda or rocm (the accelerator is cpu)"));
        if (accelerator == "cuda" && gpu.Vendor == "amd")
            errors.Add(new("spec.hardware.gpu.vendor", "amd GPUs run with accelerator rocm, not cuda"));
        if (accelerator == "rocm" && gpu.Vendor == "nvidia")
            errors.Add(new("spec.hardware.gpu.vendor", "nvidia GPUs run with accelerator cuda, not rocm"));
    }

    private static void CheckEnum(List<FieldError> errors, string path, string? value, IReadOnlyList<string> allowed)
    {
        if (!string.IsNullOrEmpty(value) && !allowed.Contains(value, StringComparer.Ordinal))
            errors.Add(new(path, $"unsupported value \"{value}\"; must be one of: {string.Join(", ", allowed)}"));
    }

    private static string Describe(ModelSourceKind kind) => kind switch
    {
        ModelSourceKind.HuggingFaceRepo => "Hugging Face repo",
        ModelSourceKind.Pvc => "pvc://",
        ModelSourceKind.HostPath => "local path",
        _ => kind.ToString(),
    };

    [GeneratedRegex("^[a-fA-F0-9]{64}$")]
    private static partial Regex Sha256Regex();
}
