using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>
/// <c>spec.endpoint</c>, shared by ModelRouter and InferenceService. <see cref="Gateway"/> is read for an
/// InferenceService only: a ModelRouter refuses it (it has <c>spec.dataPlane</c> and <c>spec.gatewayRef</c>).
/// </summary>
[GenerateSerializer]
public sealed class EndpointSpec
{
    [Id(0), Range(1, 65535)] public int? Port { get; set; }
    [Id(1)] public string? Path { get; set; }
    [Id(2), AllowedValues("ClusterIP", "NodePort", "LoadBalancer")] public string? Type { get; set; }
    [Id(3), Range(30000, 32767)] public int? NodePort { get; set; }
    [Id(4)] public GatewayExposureSpec? Gateway { get; set; }
}
