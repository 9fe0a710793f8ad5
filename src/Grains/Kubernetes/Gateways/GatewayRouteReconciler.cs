using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// The Gateway-mode side of one router's reconciler grain: refuses what cannot be compiled (before writing anything),
/// waits for the gateway CRDs, applies the generated objects and prunes what is no longer generated, and re-applies
/// the route when backend health changes which backends it may use. Lives in the grain's activation; not persisted.
/// </summary>
public sealed partial class GatewayRouteReconciler(IKubernetesWriter writer, IGatewayApiDiscovery discovery, GatewayModeSettings settings, ILogger logger)
{
    private const string StillServing = "; the gateway continues serving the last successfully compiled routes";

    private readonly GatewayCrdGate _crds = new(discovery, settings);
    private (ModelRouter Router, RouterConfig Config)? _applied;
    private string? _routeText;
    private string? _warned;
    private IReadOnlyList<EjectedBackend> _ejected = [];
    private DateTimeOffset? _nextChange;
    private bool _loggedMissing;

    /// <summary>What status shows; null before the first reconcile.</summary>
    public GatewayOutcome? Outcome { get; private set; }

    /// <summary>When the grain should reconcile again without a change: a CRD re-check or the end of a quarantine.</summary>
    public DateTimeOffset? DueAt => _crds.RecheckAt is { } recheck && _nextChange is { } next ? (recheck < next ? recheck : next) : _crds.RecheckAt ?? _nextChange;

    /// <summary>Reconciles <paramref name="router"/>; false when writing failed and should be retried.</summary>
    public async Task<bool> ReconcileAsync(ModelRouter router, IReadOnlyList<string> errors, RouterConfig? config,
        IReadOnlyDictionary<string, BackendHealth>? health, DateTimeOffset now)
    {
        var spec = router.Spec!;
        var ns = router.Metadata.NamespaceOrDefault;
        var endpoint = spec.GatewayRef is { } gateway ? GatewayRouteBuilder.Endpoint(gateway, ns) : null;
        _nextChange = null;
        try
        {
            var refusals = GatewayRouteChecks.Refusals(spec);
            if (refusals.Count > 0 && refusals[0].Reason == GatewayReasons.GatewayRefMissing) return await RefuseAsync(router, refusals, endpoint);
            var missing = await _crds.MissingAsync(GatewayKinds.ForRouter, now);
            if (missing.Count > 0)
            {
                if (!_loggedMissing) LogCrdsMissing(logger, router.Key.ToString(), missing.Count);
                _loggedMissing = true;
                return await NotReadyAsync(router, GatewayReasons.CrdsNotInstalled, _crds.Message(missing), endpoint);
            }
            _loggedMissing = false;
            if (refusals.Count > 0) return await RefuseAsync(router, refusals, endpoint);
            if (errors.Count > 0 || config is null) return await NotReadyAsync(router, GatewayReasons.SpecInvalid, string.Join("; ", errors), endpoint);

            var route = GatewayRouteBuilder.Build(router, config, health, now);
            await GatewayApply.ApplyAndPruneAsync(writer, route.Objects, GatewayKinds.ForRouter, ns, GatewayRouteBuilder.Factory(router).Selector);
            _applied = (router, config);
            _routeText = route.Route.ToJsonString();
            var first = Outcome?.Ready != true;
            await AcceptAsync(router, route);
            if (first) await writer.EventAsync(Regarding(router), "Normal", GatewayReasons.Exposed, Truncate(route.Message));
            _warned = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, router.Key.ToString(), ex.Message);
            _applied = null;
            await NotReadyAsync(router, GatewayReasons.ReconcileFailed, ex.Message, endpoint);
            return false;
        }
    }

    /// <summary>
    /// Health bridging: regenerates the route from <paramref name="health"/> and re-applies it when the backends it
    /// may use changed. A failed write leaves the outcome <c>ReconcileFailed</c> for a full reconcile to repair.
    /// </summary>
    public async Task HealthChangedAsync(IReadOnlyDictionary<string, BackendHealth>? health, DateTimeOffset now)
    {
        if (_applied is not var (router, config) || Outcome?.Ready != true) return;
        var route = GatewayRouteBuilder.Build(router, config, health, now);
        var text = route.Route.ToJsonString();
        try
        {
            if (text != _routeText) await writer.ApplyObjectAsync(GatewayKinds.AIGatewayRoute, route.Route);
            _routeText = text;
            await AcceptAsync(router, route);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, router.Key.ToString(), ex.Message);
            _routeText = null;
            await NotReadyAsync(router, GatewayReasons.ReconcileFailed, ex.Message, Outcome.Endpoint);
        }
    }

    /// <summary>Removes everything <paramref name="router"/> generated (it left Gateway mode).</summary>
    public async Task RemoveAsync(ModelRouter router)
    {
        await GatewayApply.ApplyAndPruneAsync(writer, [], GatewayKinds.ForRouter, router.Metadata.NamespaceOrDefault, GatewayRouteBuilder.Factory(router).Selector);
        _applied = null;
        _routeText = null;
        Outcome = null;
        _ejected = [];
        _nextChange = null;
        LogRemoved(logger, router.Key.ToString());
    }

    private async Task AcceptAsync(ModelRouter router, GatewayRoute route)
    {
        var regarding = Regarding(router);
        foreach (var ejected in route.Ejected.Where(e => !_ejected.Any(p => p.Name == e.Name)))
            await writer.EventAsync(regarding, "Warning", "BackendEjected", Truncate($"backend {ejected.Name} left the gateway route: {ejected.Reason}"));
        foreach (var restored in _ejected.Where(p => !route.Ejected.Any(e => e.Name == p.Name)))
            await writer.EventAsync(regarding, "Normal", "BackendRestored", $"backend {restored.Name} is back in the gateway route");
        _ejected = route.Ejected;
        _nextChange = route.NextChange;
        Outcome = new GatewayOutcome(true, GatewayReasons.Exposed, route.Message, GatewayRouteBuilder.Endpoint(router.Spec!.GatewayRef!, router.Metadata.NamespaceOrDefault),
            AuthEnabled: route.AuthEnabled, Ejected: route.Ejected, Rules: route.Rules);
    }

    private Task<bool> RefuseAsync(ModelRouter router, IReadOnlyList<GatewayRefusal> refusals, string? endpoint)
    {
        var first = refusals[0];
        var more = refusals.Count > 1 ? $" (and {refusals.Count - 1} more problem(s))" : "";
        return NotReadyAsync(router, first.Reason, first + more, endpoint);
    }

    // Refusals do not retry: the spec must change. A Warning event per distinct verdict, not per reconcile.
    private async Task<bool> NotReadyAsync(ModelRouter router, string reason, string message, string? endpoint)
    {
        Outcome = GatewayOutcome.NotReady(reason, message, endpoint) with { AuthEnabled = router.Spec?.Policy?.Auth?.Jwt is not null };
        // Which kinds are missing changes while an install is under way: one warning for the wait, not one per kind.
        var key = reason == GatewayReasons.CrdsNotInstalled ? $"{router.Metadata.Generation}/{reason}" : $"{router.Metadata.Generation}/{reason}/{message}";
        if (key != _warned)
        {
            var note = reason == GatewayReasons.CrdsNotInstalled ? message : message + StillServing;
            await writer.EventAsync(Regarding(router), "Warning", reason, Truncate(note));
            _warned = key;
        }
        return reason != GatewayReasons.ReconcileFailed;
    }

    private static ObjectReferenceFacts Regarding(ModelRouter router)
        => new(KubeNames.ApiVersion, ModelRouter.KindName, router.Metadata.NamespaceOrDefault, router.Metadata.Name!, router.Metadata.Uid);

    // An event note is at most 1 KiB.
    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..997] + "...";

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "ModelRouter {Router}: {Missing} gateway kind(s) not served; waiting for Envoy AI Gateway")]
    private static partial void LogCrdsMissing(ILogger logger, string router, int missing);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "ModelRouter {Router}: applying the gateway objects failed, retrying: {Reason}")]
    private static partial void LogFailed(ILogger logger, string router, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "ModelRouter {Router}: left Gateway mode; its gateway objects are removed")]
    private static partial void LogRemoved(ILogger logger, string router);
}
