using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.InferenceServices;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>What exposing one InferenceService on the gateway writes, and what its status says about it.</summary>
public sealed record InferenceServiceExposure(IReadOnlyList<GatewayManifest> Objects, string ModelName, string Endpoint)
{
    /// <summary>
    /// A <c>Backend</c> on the service's cluster address (the same for pod and Mac services), an <c>AIServiceBackend</c>
    /// speaking OpenAI to it and an <c>AIGatewayRoute</c> sending the model's requests there; all named after the
    /// service, labelled with it and owned by it. The model name is <c>endpoint.gateway.modelName</c>, else
    /// <c>spec.modelRef</c>, else the service's name.
    /// </summary>
    public static InferenceServiceExposure Build(InferenceService service)
    {
        var gateway = service.Spec!.Endpoint!.Gateway!;
        var name = service.Metadata.Name!;
        var ns = service.Metadata.NamespaceOrDefault;
        var objectName = KubeNames.Sanitize(name);
        var modelName = !string.IsNullOrEmpty(gateway.ModelName) ? gateway.ModelName : !string.IsNullOrEmpty(service.Spec.ModelRef) ? service.Spec.ModelRef : name;
        var factory = Factory(service);
        var upstream = GatewayUpstream.Service(objectName, ns, service.Spec.Endpoint.Port ?? WorkloadBuilder.DefaultServicePort);
        var route = new JsonObject
        {
            ["parentRefs"] = new JsonArray(GatewayRouteBuilder.ParentRef(gateway.GatewayRef!)),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["matches"] = new JsonArray(new JsonObject
                {
                    ["headers"] = new JsonArray(new JsonObject { ["type"] = "Exact", ["name"] = GatewayRoutePlanner.ModelHeader, ["value"] = modelName }),
                }),
                ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = objectName }),
            }),
        };
        GatewayManifest[] objects =
        [
            new(GatewayKinds.Backend, factory.Create(GatewayKinds.Backend, objectName, upstream.BackendSpec())),
            new(GatewayKinds.AIServiceBackend, factory.Create(GatewayKinds.AIServiceBackend, objectName, upstream.ServiceBackendSpec(objectName))),
            new(GatewayKinds.AIGatewayRoute, factory.Create(GatewayKinds.AIGatewayRoute, objectName, route)),
        ];
        return new InferenceServiceExposure(objects, modelName, GatewayRouteBuilder.Endpoint(gateway.GatewayRef!, ns));
    }

    /// <summary>The labels and owner of what <paramref name="service"/> generates.</summary>
    public static GatewayObjectFactory Factory(InferenceService service)
        => new(service.Metadata.NamespaceOrDefault, InferenceService.KindName, service.Metadata.Name!, service.Metadata.Uid ?? "",
            new Dictionary<string, string> { [WorkloadBuilder.ServiceLabel] = service.Metadata.Name! });

    /// <summary>Whether <paramref name="service"/> asks to be exposed.</summary>
    public static bool Wanted(InferenceService service) => service.Spec?.Endpoint?.Gateway is { Enabled: true, GatewayRef: not null };
}
