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
