using k8s.Models;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

public static partial class WorkloadBuilder
{
    private static V2HorizontalPodAutoscaler Autoscaler(InferenceService service, string name, Dictionary<string, string> labels, AutoscalingSpec autoscaling, RuntimeProfile profile)
    {
        var metrics = autoscaling.Metrics is { Count: > 0 } given
            ? given.Select(Metric).ToList()
            : [DefaultMetric(profile)];
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = Meta(service, name, labels),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
                MinReplicas = autoscaling.MinReplicas ?? 1,
                MaxReplicas = autoscaling.MaxReplicas ?? 1,
                Metrics = metrics,
            },
        };
    }

    /// <summary>The runtime's request-load metric (2 per pod on average), or CPU utilization for a runtime without metrics (Ollama).</summary>
    public static V2MetricSpec DefaultMetric(RuntimeProfile profile) => profile.DefaultMetric is { } metric
        ? Metric(new AutoscalingMetric { Type = "Pods", Name = metric, TargetAverageValue = RuntimeProfile.DefaultMetricTarget })
        : Metric(new AutoscalingMetric { Type = "Resource", Name = "cpu", TargetAverageUtilization = RuntimeProfile.DefaultCpuUtilization });

    private static V2MetricSpec Metric(AutoscalingMetric metric) => metric.Type == "Resource"
        ? new V2MetricSpec
        {
            Type = "Resource",
            Resource = new V2ResourceMetricSource
            {
                Name = metric.Name,
                Target = metric.TargetAverageUtilization is { } utilization
                    ? new V2MetricTarget { Type = "Utilization", AverageUtilization = utilization }
                    : new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(metric.TargetAverageValue) },
            },
        }
        : new V2MetricSpec
        {
            Type = "Pods",
            Pods = new V2PodsMetricSource
            {
                Metric = new V2MetricIdentifier { Name = metric.Name },
                Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity(metric.TargetAverageValue) },
            },
        };
}
