using System.ComponentModel;

namespace LLMKube.Grains.Api;

/// <summary><c>InferenceService.status</c>, written by its reconciler (and, for a metal Model, partly by the Mac agent).</summary>
[GenerateSerializer]
public sealed class InferenceServiceStatus
{
    [Id(0), Description("Pending, Creating, Progressing, Ready, Stopped, Suspended or Failed.")] public string? Phase { get; set; }

    /// <summary>The address the service answers on, e.g. <c>http://llama.default.svc.cluster.local:8080/v1/chat/completions</c>.</summary>
    [Id(1)] public string? Endpoint { get; set; }

    [Id(2)] public int? ReadyReplicas { get; set; }

    /// <summary>The desired replicas, read by the scale subresource.</summary>
    [Id(3)] public int? Replicas { get; set; }

    [Id(4)] public long? ObservedGeneration { get; set; }

    [Id(5)] public List<Condition>? Conditions { get; set; }

    [Id(6), Description("Replicas wanted now: 0 when stopped or suspended, the autoscaler's choice with autoscaling.")] public int? DesiredReplicas { get; set; }

    [Id(7), Description("Whether the Model is Ready.")] public bool? ModelReady { get; set; }

    [Id(8), Description("Why the service is not scheduled yet (WaitingForMetalAgent, AgentHeartbeatStale, or a value the Mac agent wrote).")]
    public string? SchedulingStatus { get; set; }

    [Id(9)] public string? SchedulingMessage { get; set; }

    [Id(10), Description("With spec.endpoint.gateway enabled: the exposure on the gateway.")] public GatewayStatus? Gateway { get; set; }
}
