using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace LLMKube.Grains.Api;

/// <summary>
/// <c>InferenceService.spec.endpoint.gateway</c>: expose the service on an installed Envoy AI Gateway, as one
/// model of an <c>AIGatewayRoute</c>. Opt-in; switching it off removes what it generated.
/// </summary>
[GenerateSerializer]
public sealed class GatewayExposureSpec
{
    [Id(0), Description("Generate the Backend, AIServiceBackend and AIGatewayRoute that expose this service.")]
    public bool? Enabled { get; set; }

    [Id(1), MaxLength(253), Description("The model name clients send (matched on the x-ai-eg-model header); default spec.modelRef, else the service's name.")]
    public string? ModelName { get; set; }

    [Id(2), Required] public GatewayReference? GatewayRef { get; set; }
}
