namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>One EndpointSlice the Mac agent wrote for a metal InferenceService.</summary>
/// <param name="Heartbeat">The <c>llmkube.ai/agent-heartbeat</c> annotation as written (RFC 3339), or null.</param>
/// <param name="ReadyEndpoints">Endpoints whose <c>ready</c> condition is true or unset.</param>
[GenerateSerializer, Immutable]
public sealed record AgentSlice(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Heartbeat,
    [property: Id(2)] int ReadyEndpoints)
{
    public const string HeartbeatAnnotation = "llmkube.ai/agent-heartbeat";

    /// <summary>The label the agent puts on its slices; the control plane watches slices carrying it.</summary>
    public const string ManagedByLabel = "llmkube.ai/managed-by";

    public const string ManagedByAgent = "metal-agent";

    /// <summary>The standard label naming the Service a slice belongs to.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";
}
