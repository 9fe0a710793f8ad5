using LLMKube.Grains.Api;
using LLMKube.Grains.Models;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Tests.Validation;

public sealed class ModelValidatorTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static Model Model(string? source, Action<ModelSpec>? change = null)
    {
        var spec = new ModelSpec { Source = source };
        change?.Invoke(spec);
        return new Model { Metadata = new ObjectMeta { Name = "m", Namespace = "ns" }, Spec = spec };
    }

    private static void AssertErrors(Model model, params string[] expected) => AssertErrors(model, ModelSourcePolicy.Default, expected);

    private static void AssertErrors(Model model, ModelSourcePolicy policy, params string[] expected)
        => Assert.Equal(expected, ModelValidator.Validate(model, policy).Select(e => e.ToString()));

    [Theory]
    [InlineData("https://example.com/m.gguf")]
    [InlineData("hf://org/repo@main")]
    [InlineData("org/repo")]
    [InlineData("pvc://weights/m.gguf")]
    public void SupportedSources_AreValid(string source) => AssertErrors(Model(source));

    [Fact]
    public void MissingSpecOrNameOrSource_IsReported()
    {
        AssertErrors(new Model { Metadata = new ObjectMeta() }, "metadata.name: name is required", "spec: spec is required");
        AssertErrors(Model(null), "spec.source: source is required");
    }

    [Fact]
    public void AnUnsupportedScheme_IsRefused_WithTheSupportedForms()
        => AssertErrors(Model("s3://bucket/m.gguf"), $"spec.source: s3:// sources are not supported; supported: {ModelSource.SupportedForms}");

    [Theory]
    [InlineData("/models/m.gguf")]
    [InlineData("file:///models/m.gguf")]
    public void LocalSources_AreRefusedByDefault_NamingTheSetting(string source)
        => AssertErrors(Model(source), "spec.source: local path /models/m.gguf is refused: local sources are allowed only under Silo:Kubernetes:AllowedHostPathRoots, which is empty");

    [Fact]
    public void LocalSources_AreAllowed_UnderAConfiguredRoot_Only()
    {
        var policy = new ModelSourcePolicy(["/models", "/data"], []);
        AssertErrors(Model("/models/m.gguf"), policy);
        AssertErrors(Model("/etc/passwd"), policy, "spec.source: local path /etc/passwd is not under an allowed root (Silo:Kubernetes:AllowedHostPathRoots: /models, /data)");
    }

    [Theory]
    [InlineData("https://example.com/m.gguf", null)]
    [InlineData("hf://org/repo", "spec.sha256: is checked only for http(s):// file sources, where the file is downloaded; remove it for a Hugging Face repo source")]
    [InlineData("pvc://weights/m.gguf", "spec.sha256: is checked only for http(s):// file sources, where the file is downloaded; remove it for a pvc:// source")]
    public void Sha256_BelongsToHttpSources(string source, string? error)
        => AssertErrors(Model(source, s => s.Sha256 = Sha), error is null ? [] : [error]);

    [Fact]
    public void Sha256_MustBeHex() => AssertErrors(Model("https://e.com/m.gguf", s => s.Sha256 = "xyz"), "spec.sha256: must be 64 hexadecimal digits");

    public static TheoryData<string, Action<ModelSpec>, string[]> Hardware => new()
    {
        { "https://e.com/m.gguf", s => s.Hardware = new ModelHardware { Accelerator = "metal" }, [] },
        { "https://e.com/m.gguf", s => s.Hardware = new ModelHardware { Accelerator = "tpu" }, ["spec.hardware.accelerator: unsupported value \"tpu\"; must be one of: cpu, metal, cuda, rocm"] },
        { "https://e.com/m.gguf", s => s.Format = "onnx", ["spec.format: unsupported value \"onnx\"; must be one of: gguf, safetensors"] },
        { "org/repo", s => { s.Format = "safetensors"; s.Hardware = new ModelHardware { Accelerator = "metal" }; },
            ["spec.format: safetensors cannot run with accelerator metal: the Metal agent runs llama.cpp, which loads gguf",
             "spec.source: a Hugging Face repo cannot be used with accelerator metal: the Metal agent loads one GGUF file (give its http(s):// URL, e.g. .../resolve/main/<file>.gguf, or a local path)"] },
        { "pvc://w/m.gguf", s => s.Hardware = new ModelHardware { Accelerator = "metal" },
            ["spec.source: a pvc:// source cannot be used with accelerator metal: the Metal agent runs outside the cluster and cannot mount a PersistentVolumeClaim"] },
        { "org/repo", s => s.Hardware = new ModelHardware { Gpu = new ModelGpu { Enabled = true } },
            ["spec.hardware.gpu: GPUs are requested only with accelerator cuda or rocm (the accelerator is cpu)"] },
        { "org/repo", s => s.Hardware = new ModelHardware { Accelerator = "cuda", Gpu = new ModelGpu { Enabled = true, Count = 2, Vendor = "nvidia", Layers = -1 } }, [] },
        { "org/repo", s => s.Hardware = new ModelHardware { Accelerator = "cuda", Gpu = new ModelGpu { Vendor = "amd" } }, ["spec.hardware.gpu.vendor: amd GPUs run with accelerator rocm, not cuda"] },
        { "org/repo", s => s.Hardware = new ModelHardware { Accelerator = "rocm", Gpu = new ModelGpu { Vendor = "nvidia" } }, ["spec.hardware.gpu.vendor: nvidia GPUs run with accelerator cuda, not rocm"] },
        { "org/repo", s => s.Hardware = new ModelHardware { Accelerator = "cuda", Gpu = new ModelGpu { Count = 9, Layers = -2, Vendor = "intel" } },
            ["spec.hardware.gpu.count: must be between 0 and 8", "spec.hardware.gpu.layers: must be between -1 and 999",
             "spec.hardware.gpu.vendor: unsupported value \"intel\"; must be one of: nvidia, amd"] },
    };

    [Theory]
    [MemberData(nameof(Hardware))]
    public void HardwareAndFormat_MustBeRunnable(string source, Action<ModelSpec> change, string[] errors)
        => AssertErrors(Model(source, change), errors);
}
