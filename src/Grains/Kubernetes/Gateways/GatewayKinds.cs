namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// The Envoy Gateway and Envoy AI Gateway kinds Gateway mode generates (validated against Envoy Gateway v1.8.1 and
/// Envoy AI Gateway v0.7.0), and the Gateway API kinds they refer to. Written unstructured: those projects' types are
/// not imported.
/// </summary>
public static class GatewayKinds
{
    public const string EnvoyGroup = "gateway.envoyproxy.io";
    public const string AiGatewayGroup = "aigateway.envoyproxy.io";
    public const string GatewayApiGroup = "gateway.networking.k8s.io";

    public static ResourceKind Backend { get; } = new(EnvoyGroup, "v1alpha1", "Backend", "backends");
    public static ResourceKind BackendTrafficPolicy { get; } = new(EnvoyGroup, "v1alpha1", "BackendTrafficPolicy", "backendtrafficpolicies");
    public static ResourceKind SecurityPolicy { get; } = new(EnvoyGroup, "v1alpha1", "SecurityPolicy", "securitypolicies");
    public static ResourceKind AIServiceBackend { get; } = new(AiGatewayGroup, "v1beta1", "AIServiceBackend", "aiservicebackends");
    public static ResourceKind AIGatewayRoute { get; } = new(AiGatewayGroup, "v1beta1", "AIGatewayRoute", "aigatewayroutes");

    /// <summary>What exposing an InferenceService writes.</summary>
    public static IReadOnlyList<ResourceKind> ForInferenceService { get; } = [Backend, AIServiceBackend, AIGatewayRoute];

    /// <summary>What a Gateway-mode ModelRouter writes, in the order it applies them.</summary>
    public static IReadOnlyList<ResourceKind> ForRouter { get; } = [Backend, AIServiceBackend, SecurityPolicy, AIGatewayRoute, BackendTrafficPolicy];
}
