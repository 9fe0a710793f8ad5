using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>InferenceService.spec</c>: one model served by one runtime, as a Deployment and a Service (or by the Mac agent for a metal Model).</summary>
[GenerateSerializer]
public sealed class InferenceServiceSpec
{
    [Id(0), Required, MaxLength(InferenceServiceLimits.MaxNameLength), Description("The Model in the same namespace.")]
    public string? ModelRef { get; set; }

    [Id(1), AllowedValues(InferenceServiceLimits.RuntimeLlamaCpp, InferenceServiceLimits.RuntimeVllm, InferenceServiceLimits.RuntimeTgi, InferenceServiceLimits.RuntimeOllama),
     DefaultValue(InferenceServiceLimits.RuntimeLlamaCpp), Description("The serving runtime: llamacpp (default), vllm, tgi or ollama.")]
    public string? Runtime { get; set; }

    [Id(2), AllowedValues("chat", "embedding"),
     Description("chat (default) or embedding: llama.cpp gets --embedding --pooling last, and status.endpoint defaults to /v1/embeddings. tgi serves no embeddings.")]
    public string? Mode { get; set; }

    [Id(3), Range(0, InferenceServiceLimits.MaxReplicas), DefaultValue(1),
     Description("Pods (default 1); 0 stops the service. With autoscaling, the autoscaler decides and only 0 is read.")]
    public int? Replicas { get; set; }

    [Id(4), Description("Scale to zero but keep replicas (phase Suspended).")]
    public bool? Suspend { get; set; }

    [Id(5), MaxLength(InferenceServiceLimits.MaxImageLength), Description("The runtime image; replaces the runtime's default.")]
    public string? Image { get; set; }

    [Id(6)] public EndpointSpec? Endpoint { get; set; }

    [Id(7)] public InferenceServiceResources? Resources { get; set; }

    [Id(8)] public AutoscalingSpec? Autoscaling { get; set; }

    [Id(9), Range(InferenceServiceLimits.MinContextSize, InferenceServiceLimits.MaxContextSize),
     Description("Context window in tokens: llama.cpp --ctx-size, vLLM --max-model-len, TGI --max-total-tokens, Ollama OLLAMA_CONTEXT_LENGTH.")]
    public int? ContextSize { get; set; }

    [Id(10), Range(1, InferenceServiceLimits.MaxParallelSlots),
     Description("Requests served at once: llama.cpp --parallel, vLLM --max-num-seqs, TGI --max-concurrent-requests, Ollama OLLAMA_NUM_PARALLEL.")]
    public int? ParallelSlots { get; set; }

    [Id(11), Description("llama.cpp --flash-attn on/off, Ollama OLLAMA_FLASH_ATTENTION; refused for vllm and tgi (they choose their attention kernels).")]
    public bool? FlashAttention { get; set; }

    [Id(12), MaxLength(InferenceServiceLimits.MaxExtraArgs), Description("Appended to the runtime's arguments, so they win over generated flags; refused for ollama (its server takes no flags).")]
    public List<string>? ExtraArgs { get; set; }

    [Id(13), MaxLength(InferenceServiceLimits.MaxEnv), Description("Environment of the runtime container, after the generated entries.")]
    public List<EnvVar>? Env { get; set; }

    [Id(14), Range(1, 65535), Description("The port the runtime listens on; default endpoint.port, else the runtime's own (8080, 8000, 80, 11434).")]
    public int? ContainerPort { get; set; }

    [Id(15), MaxLength(InferenceServiceLimits.MaxTolerations)] public List<Toleration>? Tolerations { get; set; }

    [Id(16), Description("Node labels the pods must run on.")] public Dictionary<string, string>? NodeSelector { get; set; }

    [Id(17), Description("Annotations of the pod template.")] public Dictionary<string, string>? PodAnnotations { get; set; }

    [Id(18), Description("Labels of the pod template; the operator's own labels win.")] public Dictionary<string, string>? PodLabels { get; set; }

    [Id(19), Description("No init step: the weights are already where the runtime looks (a pre-filled cache claim).")]
    public bool? SkipModelInit { get; set; }

    [Id(20)] public ModelCacheSpec? ModelCache { get; set; }
}
