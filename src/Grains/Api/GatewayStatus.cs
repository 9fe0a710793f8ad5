using System.ComponentModel;

namespace LLMKube.Grains.Api;

/// <summary><c>status.gateway</c> of a ModelRouter in Gateway mode or an InferenceService exposed on the gateway.</summary>
[GenerateSerializer]
public sealed class GatewayStatus
{
    [Id(0), Description("Whether the generated route is applied as the spec asks.")] public bool? RouteReady { get; set; }

    [Id(1), Description("The model name clients send (InferenceService exposure).")] public string? ModelName { get; set; }

    [Id(2), Description("The Gateway the route attaches to, as \"gateway <namespace>/<name>\"; its address is never looked up.")]
    public string? Endpoint { get; set; }

    [Id(3), Description("Whether JWT authentication is generated (ModelRouter).")] public bool? AuthEnabled { get; set; }

    [Id(4), Description("Backends removed from the generated route while they are unusable, with why.")]
    public List<EjectedBackendStatus>? EjectedBackends { get; set; }
}
