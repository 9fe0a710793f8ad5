using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Observability;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <inheritdoc cref="IModelRouterReconcilerGrain"/>
/// <remarks>
/// Not persisted: every silo relists and reports again, so the grain rebuilds from the next observation. It
/// subscribes to its router's RoutingTable like a gateway does, so <c>status.backends</c> follows the shared
/// circuit on every transition rather than on a timer; the subscription refresh timer keeps it active.
/// </remarks>
public sealed partial class ModelRouterReconcilerGrain(
    IKubernetesWriter writer,
    GatewaySettings gateway,
    RoutingClock clock,
    IGatewayApiDiscovery discovery,
    GatewayModeSettings gatewayMode,
    ILogger<ModelRouterReconcilerGrain> logger) : Grain, IModelRouterReconcilerGrain, IRoutingTableObserver
{
    /// <summary>How often the RoutingTable subscription is refreshed (it expires after two minutes) and a failed write retried.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(20);

    private RouterObservation? _observed;
    private RouterConfig? _config;
    private IReadOnlyDictionary<string, BackendHealth>? _health;
    private IReadOnlyList<KubeCondition>? _conditions;
    private string? _reconciled;
    private string? _writtenStatus;
    private IGrainTimer? _refresh;
    private IRoutingTableObserver? _self;
    // The inferenceService block last pushed to each backend (null: pushed as lifted); empty after activation, so all are pushed once.
    private readonly Dictionary<string, string?> _pushedBlocks = new(StringComparer.Ordinal);

    public async Task Observe(RouterObservation observation, RouterConfig? config)
    {
        var due = observation.Fingerprint != _observed?.Fingerprint || config?.SpecHash != _config?.SpecHash || _reconciled is null;
        _observed = observation;
        _config = config;
        if (due) await ReconcileAsync();
    }

    public Task Deleted()
    {
        _refresh?.Dispose();
        _refresh = null;
        SetGatewayTimer(null);
        _observed = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public async Task OnSnapshot(RoutingSnapshot snapshot)
    {
        _health = snapshot.Backends;
        if (_observed is null || _reconciled is null) return;
        if (InGatewayMode(_observed.Router)) await GatewayHealthChangedAsync();
        await WriteStatusAsync();
    }

    private async Task ReconcileAsync()
    {
        var observed = _observed!;
        var router = observed.Router;
        var key = router.Key.ToString();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var done = true;
            if (InGatewayMode(router))
            {
                done = await ReconcileGatewayModeAsync(observed, key);
            }
            else if (observed.Errors.Count == 0 && _config is not null)
            {
                await GrainFactory.GetGrain<IRouterGrain>(key).Apply(_config);
                await PushBlocksAsync(_config, observed.Unavailable);
                var objects = GatewayObjectsBuilder.Build(router, router.Metadata.Uid ?? "", gateway);
                if (objects.Token is not null) await writer.ApplyAsync(objects.Token);
                await writer.ApplyAsync(objects.Deployment);
                await writer.ApplyAsync(objects.Service);
                await writer.ApplyAsync(objects.DisruptionBudget);
                await FollowHealthAsync(key);
            }
            else if (_reconciled != observed.Fingerprint)
            {
                await writer.EventAsync(Regarding(router), "Warning", "SpecInvalid", Truncate(string.Join("; ", observed.Errors)));
            }
            if (!InGatewayMode(router)) await LeaveGatewayModeAsync(router);
            await WriteStatusAsync();
            _reconciled = done ? observed.Fingerprint : null;
            if (!done) EnsureTimer();
            ControlPlaneMetrics.Reconciled(ModelRouter.KindName, started, failed: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Retried by the refresh timer; the next observation retries too.
            _reconciled = null;
            ControlPlaneMetrics.Reconciled(ModelRouter.KindName, started, failed: true);
            LogReconcileFailed(key, ex.Message);
            EnsureTimer();
        }
    }

    // Routing follows readiness: a backend whose InferenceService is not serving is out of rotation in every gateway.
    private async Task PushBlocksAsync(RouterConfig config, IReadOnlyDictionary<string, string>? unavailable)
    {
        foreach (var backend in config.Backends)
        {
            var reason = unavailable?.GetValueOrDefault(backend.Name);
            if (_pushedBlocks.TryGetValue(backend.Name, out var pushed) && pushed == reason) continue;
            await GrainFactory.GetGrain<IBackendGrain>(IBackendGrain.Key(config.Router, backend.Name)).SetBlock(LifecycleSource.InferenceService, reason);
            _pushedBlocks[backend.Name] = reason;
        }
    }

    private async Task WriteStatusAsync()
    {
        var observed = _observed!;
        var config = observed.Errors.Count == 0 ? _config : null;
        var status = InGatewayMode(observed.Router) && _gatewayRoute?.Outcome is { } outcome
            ? GatewayRouterStatusBuilder.Build(observed, config, _health, outcome, _conditions, clock.Now)
            : RouterStatusBuilder.Build(observed, config, _health, _conditions, clock.Now);
        var text = status.Status.ToJsonString();
        if (text == _writtenStatus) return;
        await writer.ApplyStatusAsync(ModelRouter.KindName, "modelrouters", observed.Router.Metadata.NamespaceOrDefault, observed.Router.Metadata.Name!, (JsonObject)status.Status.DeepClone());
        _writtenStatus = text;
        _conditions = status.Conditions;
    }

    private async Task FollowHealthAsync(string key)
    {
        _self ??= this.AsReference<IRoutingTableObserver>();
        var table = GrainFactory.GetGrain<IRoutingTableGrain>(key);
        await table.Subscribe(_self);
        if (_health is null && await table.GetSnapshot() is { } snapshot) _health = snapshot.Backends;
        EnsureTimer();
    }

    private void EnsureTimer()
        => _refresh ??= this.RegisterGrainTimer(static (self, _) => self.RefreshAsync(), this,
            new GrainTimerCreationOptions(RefreshInterval, RefreshInterval) { KeepAlive = true });

    private async Task RefreshAsync()
    {
        if (_observed is null) return;
        if (_reconciled is null) await ReconcileAsync();
        else if (_observed.Errors.Count == 0)
        {
            try { await GrainFactory.GetGrain<IRoutingTableGrain>(_observed.Router.Key.ToString()).Subscribe(_self!); }
            catch (Exception ex) when (ex is not OperationCanceledException) { LogReconcileFailed(_observed.Router.Key.ToString(), ex.Message); }
        }
    }

    private static ObjectReferenceFacts Regarding(ModelRouter router)
        => new(KubeNames.ApiVersion, ModelRouter.KindName, router.Metadata.NamespaceOrDefault, router.Metadata.Name!, router.Metadata.Uid);

    // An event note is at most 1 KiB.
    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..997] + "...";

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "ModelRouter {Router}: reconcile failed, retrying: {Reason}")]
    private partial void LogReconcileFailed(string router, string reason);
}
