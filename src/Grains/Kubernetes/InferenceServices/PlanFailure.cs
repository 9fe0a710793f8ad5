namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>Why an InferenceService cannot be deployed as specified: a condition reason and a message naming what to change.</summary>
[GenerateSerializer, Immutable]
public sealed record PlanFailure([property: Id(0)] string Reason, [property: Id(1)] string Message);
