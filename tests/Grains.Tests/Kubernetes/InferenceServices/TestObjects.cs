using LLMKube.Grains.Api;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

/// <summary>InferenceServices and Models for the builder and decision tests.</summary>
internal static class TestObjects
{
    public const string GgufUrl = "https://example.com/models/Qwen2.5-0.5B-Q4_K_M.gguf";

    public static InferenceService Service(Action<InferenceServiceSpec>? edit = null, string name = "qwen.chat", string? runtime = null)
    {
        var spec = new InferenceServiceSpec { ModelRef = "qwen", Runtime = runtime };
        edit?.Invoke(spec);
        return new InferenceService
        {
            ApiVersion = KubeObject.LLMKubeApiVersion,
            Kind = InferenceService.KindName,
            Metadata = new ObjectMeta { Name = name, Namespace = "team", Uid = "isvc-uid", Generation = 2 },
            Spec = spec,
        };
    }

    public static Model Model(string source = GgufUrl, string? format = null, string? accelerator = null, ModelGpu? gpu = null, string? sha256 = null, string phase = "Ready")
        => new()
        {
            Metadata = new ObjectMeta { Name = "qwen", Namespace = "team", Uid = "model-uid", Generation = 1 },
            Spec = new ModelSpec
            {
                Source = source,
                Format = format,
                Sha256 = sha256,
                Hardware = accelerator is null && gpu is null ? null : new ModelHardware { Accelerator = accelerator, Gpu = gpu },
            },
            Status = new ModelStatus { Phase = phase },
        };
}
