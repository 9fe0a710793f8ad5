using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>InferenceService.spec.autoscaling</c>: a HorizontalPodAutoscaler (autoscaling/v2) on the Deployment.</summary>
[GenerateSerializer]
[CelRule("!has(self.minReplicas) || self.minReplicas <= self.maxReplicas", "autoscaling.minReplicas must not exceed maxReplicas")]
public sealed class AutoscalingSpec
{
    [Id(0), Range(1, InferenceServiceLimits.MaxAutoscalingMinReplicas), DefaultValue(1)] public int? MinReplicas { get; set; }

    [Id(1), Required, Range(1, InferenceServiceLimits.MaxAutoscalingMaxReplicas)] public int? MaxReplicas { get; set; }

    [Id(2), MaxLength(InferenceServiceLimits.MaxMetrics),
     Description("What to scale on; default one Pods metric per runtime (llamacpp:requests_processing, vllm:num_requests_running, tgi:queue_size, average 2) or CPU utilization 80% for ollama.")]
    public List<AutoscalingMetric>? Metrics { get; set; }
}
