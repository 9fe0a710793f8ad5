using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// <c>GET /readyz</c> of the gateway: <c>ready</c> once a routing snapshot is in force; <c>degraded</c>
/// (still 200) in cluster mode when the routing table has not answered for <c>Gateway:DegradedAfter</c>;
/// <c>not_ready</c> (503) before the first snapshot and from the moment the process is asked to stop.
/// </summary>
internal sealed class GatewayReadiness(
    RoutingState routing,
    GatewayMode mode,
    GracefulShutdown shutdown,
    RoutingClock clock,
    IOptions<GatewayServerOptions> options) : IReadinessCheck
{
    // Degraded still answers 200: a gateway that lost the cluster keeps routing from its last snapshot,
    // and taking every replica out of the Service would turn a control-plane outage into a data-plane one.
    public IResult Check()
    {
        var router = mode.Router.ToString();
        var plan = routing.Current;
        var (version, snapshot) = (plan?.Config.Version ?? 0, plan?.Snapshot.Version ?? 0);
        if (shutdown.IsStopping)
            return Results.Json(new ReadyStatus("stopping", router, version, snapshot, null), GatewayJsonContext.Default.ReadyStatus, statusCode: 503);
        if (plan is null)
            return Results.Json(new ReadyStatus("not_ready", router, 0, 0, null), GatewayJsonContext.Default.ReadyStatus, statusCode: 503);
        var age = clock.Now - routing.LastContact;
        var degraded = !mode.Standalone && age > options.Value.DegradedAfter;
        return Results.Json(new ReadyStatus(degraded ? "degraded" : "ready", router, version, snapshot,
            degraded ? (long)age.TotalSeconds : null), GatewayJsonContext.Default.ReadyStatus);
    }
}
