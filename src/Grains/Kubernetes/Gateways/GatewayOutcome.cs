using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// The last gateway reconcile of a router or service, as status shows it: the <c>GatewayReady</c> condition's
/// verdict and <c>status.gateway</c>.
/// </summary>
/// <param name="Rules">Rules of the applied route (a router's <c>activeRules</c>).</param>
public sealed record GatewayOutcome(
    bool Ready,
    string Reason,
    string Message,
    string? Endpoint,
    string? ModelName = null,
    bool? AuthEnabled = null,
    IReadOnlyList<EjectedBackend>? Ejected = null,
    int Rules = 0)
{
    public static GatewayOutcome NotReady(string reason, string message, string? endpoint) => new(false, reason, message, endpoint);

    /// <summary><c>status.gateway</c>.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject { ["routeReady"] = Ready };
        if (ModelName is not null) status["modelName"] = ModelName;
        if (Endpoint is not null) status["endpoint"] = Endpoint;
        if (AuthEnabled is { } auth) status["authEnabled"] = auth;
        if (Ejected is { Count: > 0 } ejected)
            status["ejectedBackends"] = new JsonArray([.. ejected.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["reason"] = e.Reason })]);
        return status;
    }

    /// <summary>The <c>GatewayReady</c> condition.</summary>
    public KubeCondition Condition(IReadOnlyList<KubeCondition>? previous, DateTimeOffset now, long generation)
        => KubeCondition.Next(previous, GatewayReasons.Condition, Ready, Reason, Message, now, generation);
}
