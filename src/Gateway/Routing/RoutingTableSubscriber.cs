using LLMKube.Grains.Routers;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// Keeps <see cref="RoutingState"/> in step with the router's RoutingTable grain: an observer for
/// pushes, a version poll that repairs lost pushes (observer messages are best-effort), and periodic
/// resubscription before the grain's subscription expiry.
/// </summary>
internal sealed partial class RoutingTableSubscriber(
    IGrainFactory grains,
    RoutingState state,
    IOptions<GatewayOptions> options,
    ILogger<RoutingTableSubscriber> logger) : BackgroundService, IRoutingTableObserver
{
    private IRoutingTableObserver? _reference;

    /// <summary>Drops every push, leaving only the version poll (tests use it to show the poll repairs lost pushes).</summary>
    internal bool IgnorePushes { get; set; }

    public Task OnSnapshot(RoutingSnapshot snapshot)
    {
        if (!IgnorePushes) state.Apply(snapshot);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var router = options.Value.Router ?? throw new InvalidOperationException("no router selected");
        IRoutingTableGrain? table = null;
        var lastSubscribe = DateTimeOffset.MinValue;
        var poll = options.Value.SnapshotPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = false;
            try
            {
                // Created lazily: a cluster client knows grain types only once it has connected.
                table ??= grains.GetGrain<IRoutingTableGrain>(router);
                _reference ??= grains.CreateObjectReference<IRoutingTableObserver>(this);
                var version = await table.GetVersion();
                state.Touch();
                var current = state.Current?.Snapshot;
                // A new epoch is a re-activated routing table: it has lost its observers.
                if (DateTimeOffset.UtcNow - lastSubscribe > options.Value.ResubscribeInterval || current?.Epoch != version.Epoch)
                {
                    await table.Subscribe(_reference);
                    lastSubscribe = DateTimeOffset.UtcNow;
                }
                if (current is null || current.Epoch != version.Epoch || current.Version < version.Version)
                {
                    if (await table.GetSnapshot() is { } snapshot && state.Apply(snapshot) && current is not null)
                        LogRepaired(router, snapshot.Version);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failed = true;
                LogPollFailed(router, ex.Message);
            }
            try
            {
                // Quick retries only while waiting for the first snapshot and nothing is failing.
                await Task.Delay(state.Current is null && !failed ? TimeSpan.FromMilliseconds(100) : poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_reference is not null && options.Value.Router is { } router)
        {
            try { await grains.GetGrain<IRoutingTableGrain>(router).Unsubscribe(_reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken); }
            catch (Exception) { /* the subscription expires on its own */ }
            grains.DeleteObjectReference<IRoutingTableObserver>(_reference);
        }
        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "router {Router}: version poll repaired a missed push (now version {Version})")]
    private partial void LogRepaired(string router, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "router {Router}: routing table unreachable, serving the last snapshot: {Error}")]
    private partial void LogPollFailed(string router, string error);
}
