using System.ComponentModel;

namespace LLMKube.Grains.Api;

/// <summary><c>ModelRouter.status</c>, written by the router's reconciler grain.</summary>
[GenerateSerializer]
public sealed class ModelRouterStatus
{
    [Id(0), Description("Provisioning, Ready, Degraded (a backend is quarantined) or Failed (the spec is invalid).")]
    public string? Phase { get; set; }

    [Id(1), Description("The in-cluster URL of the router's gateway Service.")]
    public string? Endpoint { get; set; }

    [Id(2)] public int? ActiveRules { get; set; }
    [Id(3)] public long? ObservedGeneration { get; set; }

    [Id(4), Description("Each backend's circuit as every gateway shares it; updated on transitions.")]
    public List<RouterBackendStatus>? Backends { get; set; }

    [Id(5)] public List<Condition>? Conditions { get; set; }

    [Id(6), Description("Gateway mode: the generated route's state.")] public GatewayStatus? Gateway { get; set; }
}
