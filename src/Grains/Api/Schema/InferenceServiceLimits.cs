namespace LLMKube.Grains.Api.Schema;

/// <summary>
/// Bounds and patterns of an InferenceService shared by the CRD schema (as attributes) and
/// <c>InferenceServiceValidator</c>, so the API server, the webhook and the reconciler refuse the same objects.
/// </summary>
public static class InferenceServiceLimits
{
    public const int MaxReplicas = 10;
    public const int MaxGpus = 8;
    public const int MinContextSize = 128;
    public const int MaxContextSize = 2097152;
    public const int MaxParallelSlots = 64;
    public const int MaxAutoscalingMinReplicas = 10;
    public const int MaxAutoscalingMaxReplicas = 100;
    public const int MaxMetrics = 8;
    public const int MaxExtraArgs = 64;
    public const int MaxEnv = 64;
    public const int MaxTolerations = 32;
    public const int MaxMapEntries = 64;
    public const int MaxImageLength = 512;
    public const int MaxArgLength = 1024;

    /// <summary>
    /// The name of the Service (after <c>.</c> becomes <c>-</c>) and a label value: a DNS-1035 label's 63 characters.
    /// Also the limit of <c>spec.modelRef</c>, which becomes a label value.
    /// </summary>
    public const int MaxNameLength = 63;

    /// <summary>A Kubernetes resource quantity (<c>500m</c>, <c>8Gi</c>, <c>2</c>).</summary>
    public const string QuantityPattern = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    /// <summary>An environment variable name, as the API server accepts it.</summary>
    public const string EnvNamePattern = "^[-._a-zA-Z][-._a-zA-Z0-9]*$";

    /// <summary>A Kubernetes object name (DNS-1123 subdomain), for <c>claimName</c> and key references.</summary>
    public const string ObjectNamePattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    public const string RuntimeLlamaCpp = "llamacpp";
    public const string RuntimeVllm = "vllm";
    public const string RuntimeTgi = "tgi";
    public const string RuntimeOllama = "ollama";
}
