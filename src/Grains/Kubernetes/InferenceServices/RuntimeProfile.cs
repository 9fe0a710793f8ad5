using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// What differs between serving runtimes: container name, images, the port it listens on by default, the health
/// path its probes use, and the metric its autoscaler follows by default.
/// </summary>
/// <param name="DefaultMetric">A per-pod Prometheus metric (averaged to 2 per pod), or null to scale on CPU utilization.</param>
public sealed record RuntimeProfile(
    string Runtime,
    string ContainerName,
    int DefaultPort,
    string HealthPath,
    string CpuImage,
    string NvidiaImage,
    string AmdImage,
    string? DefaultMetric)
{
    /// <summary>The average value per pod of the default Pods metric.</summary>
    public const string DefaultMetricTarget = "2";

    /// <summary>CPU utilization (percent of the request) an Ollama service scales on: it exports no Prometheus metrics.</summary>
    public const int DefaultCpuUtilization = 80;

    public static RuntimeProfile LlamaCpp { get; } = new(
        InferenceServiceLimits.RuntimeLlamaCpp, "llama-server", 8080, "/health",
        "ghcr.io/ggml-org/llama.cpp:server", "ghcr.io/ggml-org/llama.cpp:server-cuda", "ghcr.io/ggml-org/llama.cpp:server-rocm",
        "llamacpp:requests_processing");

    public static RuntimeProfile Vllm { get; } = new(
        InferenceServiceLimits.RuntimeVllm, "vllm", 8000, "/health",
        "vllm/vllm-openai:v0.25.1", "vllm/vllm-openai:v0.25.1", "rocm/vllm:latest",
        "vllm:num_requests_running");

    public static RuntimeProfile Tgi { get; } = new(
        InferenceServiceLimits.RuntimeTgi, "tgi", 80, "/health",
        "ghcr.io/huggingface/text-generation-inference:3.3.7", "ghcr.io/huggingface/text-generation-inference:3.3.7",
        "ghcr.io/huggingface/text-generation-inference:3.3.7-rocm",
        "tgi:queue_size");

    public static RuntimeProfile Ollama { get; } = new(
        InferenceServiceLimits.RuntimeOllama, "ollama", 11434, "/api/version",
        "ollama/ollama", "ollama/ollama", "ollama/ollama:rocm",
        null);

    /// <summary>The profile of <c>spec.runtime</c> (llamacpp when unset); null for a runtime we do not run.</summary>
    public static RuntimeProfile? Of(string? runtime) => (runtime ?? InferenceServiceLimits.RuntimeLlamaCpp) switch
    {
        InferenceServiceLimits.RuntimeLlamaCpp => LlamaCpp,
        InferenceServiceLimits.RuntimeVllm => Vllm,
        InferenceServiceLimits.RuntimeTgi => Tgi,
        InferenceServiceLimits.RuntimeOllama => Ollama,
        _ => null,
    };

    /// <summary>The image for a pod with <paramref name="gpu"/>: <c>spec.image</c> wins, then the vendor's build.</summary>
    public string ImageFor(GpuRequest gpu, string? specImage)
        => !string.IsNullOrEmpty(specImage) ? specImage : gpu.Count == 0 ? CpuImage : gpu.IsAmd ? AmdImage : NvidiaImage;
}
