namespace LLMKube.Grains.Api;

/// <summary>
/// The <c>InferenceService</c> custom resource, reduced to what routing reads: where it listens and
/// whether it is ready. The full runtime spec arrives with the Kubernetes controller.
/// </summary>
[GenerateSerializer]
public sealed class InferenceService : KubeObject
{
    public const string KindName = "InferenceService";

    [Id(0)] public InferenceServiceSpec? Spec { get; set; }
    [Id(1)] public InferenceServiceStatus? Status { get; set; }
}

[GenerateSerializer]
public sealed class InferenceServiceSpec
{
    [Id(0)] public string? ModelRef { get; set; }
    [Id(1)] public string? Runtime { get; set; }
    [Id(2)] public string? Mode { get; set; }
    [Id(3)] public int? Replicas { get; set; }
    [Id(4)] public EndpointSpec? Endpoint { get; set; }
    [Id(5)] public string? Accelerator { get; set; }
}

[GenerateSerializer]
public sealed class InferenceServiceStatus
{
    [Id(0)] public string? Phase { get; set; }
    /// <summary>The address the service answers on, e.g. <c>http://127.0.0.1:8081/v1/chat/completions</c>.</summary>
    [Id(1)] public string? Endpoint { get; set; }
    [Id(2)] public int? ReadyReplicas { get; set; }
}
