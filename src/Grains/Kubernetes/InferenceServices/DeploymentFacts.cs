namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>What the reconciler reads of the Deployment it owns.</summary>
/// <param name="Generation">Moves when anyone changes its spec, so a drift from the desired spec is re-applied.</param>
/// <param name="SpecReplicas">The replicas in force (the autoscaler's choice when one owns them).</param>
[GenerateSerializer, Immutable]
public sealed record DeploymentFacts(
    [property: Id(0)] long Generation,
    [property: Id(1)] int? SpecReplicas,
    [property: Id(2)] int ReadyReplicas);
