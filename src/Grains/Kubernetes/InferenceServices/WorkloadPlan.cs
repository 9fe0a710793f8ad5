using k8s.Models;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// The desired objects of one InferenceService, or why there are none. A metal service has only its selector-less
/// Service; a pod service has a Deployment and a Service, plus an autoscaler when <c>spec.autoscaling</c> is set.
/// </summary>
public sealed record WorkloadPlan(
    V1Service? Service,
    V1Deployment? Deployment,
    V2HorizontalPodAutoscaler? Autoscaler,
    bool Metal,
    PlanFailure? Failure)
{
    public static WorkloadPlan Failed(bool metal, string reason, string message) => new(null, null, null, metal, new PlanFailure(reason, message));
}
