using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Everything a Gateway-mode router generates, in apply order (backends, the SecurityPolicy before the route it
/// protects, the route, its one BackendTrafficPolicy), with what the status reports about it.
/// </summary>
/// <param name="Route">The AIGatewayRoute, which health bridging re-applies on its own.</param>
/// <param name="NextChange">When a quarantine ends and the route must be generated again, or null.</param>
public sealed record GatewayRoute(
    IReadOnlyList<GatewayManifest> Objects,
    JsonObject Route,
    IReadOnlyList<EjectedBackend> Ejected,
    int Rules,
    bool AuthEnabled,
    string Message,
    DateTimeOffset? NextChange);
