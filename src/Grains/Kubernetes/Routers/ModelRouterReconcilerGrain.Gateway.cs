using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Routers;

namespace LLMKube.Grains.Kubernetes.Routers;

// Gateway mode (spec.dataPlane: Gateway): Envoy AI Gateway serves the router from generated objects. The Router grain
// still gets the config, so backends' health (lifecycle blocks, and the circuit verdicts of any of our gateways that
// serve the router) keeps flowing in through the RoutingTable and is bridged into the generated route.
public sealed partial class ModelRouterReconcilerGrain
{
    private GatewayRouteReconciler? _gatewayRoute;
    private ITimer? _gatewayTimer;
    private DateTimeOffset? _gatewayDue;

    public async Task GatewayDue()
    {
        _gatewayDue = null;
        if (_observed is null || !InGatewayMode(_observed.Router)) return;
        if (_reconciled is not null && GatewayRoute.Outcome?.Ready == true)
        {
            // A quarantine ended: only the route changes.
            await GatewayHealthChangedAsync();
            await WriteStatusAsync();
        }
        else await ReconcileAsync();
    }

    private static bool InGatewayMode(ModelRouter router) => router.Spec?.DataPlane == "Gateway";

    private GatewayRouteReconciler GatewayRoute => _gatewayRoute ??= new(writer, discovery, gatewayMode, logger);

    /// <summary>False when writing failed and the reconcile must be retried.</summary>
    private async Task<bool> ReconcileGatewayModeAsync(RouterObservation observed, string key)
    {
        if (observed.Errors.Count == 0 && _config is not null)
        {
            await GrainFactory.GetGrain<IRouterGrain>(key).Apply(_config);
            await PushBlocksAsync(_config, observed.Unavailable);
            await FollowHealthAsync(key);
            // Our gateway fleet of a router switched from Proxy has nothing to serve: scaled to zero, kept for a switch back.
            if (observed.GatewayExists && observed.GatewayReadyReplicas != 0)
            {
                var fleet = GatewayObjectsBuilder.Build(observed.Router, observed.Router.Metadata.Uid ?? "", gateway);
                fleet.Deployment.Spec.Replicas = 0;
                await writer.ApplyAsync(fleet.Deployment);
            }
        }
        var done = await GatewayRoute.ReconcileAsync(observed.Router, observed.Errors, _config, _health, clock.Now);
        SetGatewayTimer(GatewayRoute.DueAt);
        return done;
    }

    private async Task GatewayHealthChangedAsync()
    {
        await GatewayRoute.HealthChangedAsync(_health, clock.Now);
        if (GatewayRoute.Outcome?.Reason == GatewayReasons.ReconcileFailed)
        {
            _reconciled = null;
            EnsureTimer();
        }
        SetGatewayTimer(GatewayRoute.DueAt);
    }

    // What a router generated in Gateway mode goes when it leaves it; its status remembers across activations that it was.
    private async Task LeaveGatewayModeAsync(ModelRouter router)
    {
        SetGatewayTimer(null);
        if (router.Status?.Gateway is null && _gatewayRoute?.Outcome is null) return;
        await GatewayRoute.RemoveAsync(router);
    }

    // On the routing clock, like quarantines: the callback runs outside the grain and calls it through its reference.
    private void SetGatewayTimer(DateTimeOffset? due)
    {
        if (due == _gatewayDue && (_gatewayTimer is not null || due is null)) return;
        _gatewayTimer?.Dispose();
        _gatewayTimer = null;
        _gatewayDue = due;
        if (due is not { } at) return;
        var delay = at - clock.Now;
        _gatewayTimer = clock.Time.CreateTimer(static state => ((IModelRouterReconcilerGrain)state!).GatewayDue().Ignore(),
            this.AsReference<IModelRouterReconcilerGrain>(), delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SetGatewayTimer(null);
        return Task.CompletedTask;
    }
}
