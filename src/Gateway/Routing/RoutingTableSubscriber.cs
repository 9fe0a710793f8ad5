using LLMKube.Gateway.Hosting;
using LLMKube.Grains.Hosting;
using LLMKube.Grains.Routers;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// Keeps <see cref="RoutingState"/> in step with the router's RoutingTable grain: an observer for
/// pushes, a version poll that repairs lost pushes (observer messages are best-effort), and periodic
/// resubscription before the grain's subscription expiry. Starts once every hosted service has started,
/// so the silo (standalone) or the cluster connection exists whatever the registration order.
/// </summary>
internal sealed partial class RoutingTableSubscriber(
    IGrainFactory grains,
    RoutingState state,
    GatewayMode mode,
    GracefulShutdown shutdown,
    IOptions<GatewayServerOptions> options,
    TimeProvider time,
    ILogger<RoutingTableSubscriber> logger) : IHostedLifecycleService, IRoutingTableObserver, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private IRoutingTableObserver? _reference;
    private Task _loop = Task.CompletedTask;
    private volatile bool _reachable;

    public Task OnSnapshot(RoutingSnapshot snapshot)
    {
        state.Apply(snapshot);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var router = mode.Router.ToString();
        var table = grains.GetGrain<IRoutingTableGrain>(router);
        var lastSubscribe = DateTimeOffset.MinValue;
        DateTimeOffset? unreachableSince = null;
        var poll = options.Value.SnapshotPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var failed = false;
            try
            {
                _reference ??= grains.CreateObjectReference<IRoutingTableObserver>(this);
                var version = await table.GetVersion();
                state.Touch();
                var current = state.Current?.Snapshot;
                // A new epoch is a re-activated routing table: it has lost its observers.
                if (time.GetUtcNow() - lastSubscribe > options.Value.ResubscribeInterval || current?.Epoch != version.Epoch)
                {
                    await table.Subscribe(_reference);
                    lastSubscribe = time.GetUtcNow();
                }
                if (current is null || current.Epoch != version.Epoch || current.Version < version.Version)
                {
                    if (await table.GetSnapshot() is { } snapshot && state.Apply(snapshot) && current is not null)
                        LogRepaired(router, snapshot.Version);
                }
                _reachable = true;
                if (unreachableSince is { } since)
                {
                    LogReachable(router, (long)(time.GetUtcNow() - since).TotalSeconds);
                    unreachableSince = null;
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: whatever the poll in flight ended with (cancelled, refused, unreachable) no longer matters.
                break;
            }
            catch (Exception ex)
            {
                failed = true;
                _reachable = false;
                // Once per outage, not once per poll: the gateway keeps serving from its snapshot meanwhile.
                if (unreachableSince is null) LogPollFailed(router, ex);
                unreachableSince ??= time.GetUtcNow();
            }
            try
            {
                // Quick retries only while waiting for the first snapshot and nothing is failing.
                await Task.Delay(state.Current is null && !failed ? TimeSpan.FromMilliseconds(100) : poll, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // Stops following the routing table once the gateway no longer takes new requests: before the silo
    // (standalone) or the cluster connection stops, whichever order the services were registered in.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await shutdown.WhenServingEnded().WaitAsync(cancellationToken);
            await _stopping.CancelAsync();
            // A poll in flight to an unreachable cluster may take its full response timeout: do not wait for it.
            await _loop.WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken);
            if (_reference is not null && _reachable)
            {
                await grains.GetGrain<IRoutingTableGrain>(mode.Router.ToString()).Unsubscribe(_reference)
                    .WaitAsync(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or OrleansException)
        {
            // The stop budget ran out or the cluster is gone: the subscription expires on its own.
        }
        finally
        {
            if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync();
            if (_reference is not null) grains.DeleteObjectReference<IRoutingTableObserver>(_reference);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "router {Router}: version poll repaired a missed push (now version {Version})")]
    private partial void LogRepaired(string router, long version);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "router {Router}: routing table unreachable, serving the last snapshot until it answers again")]
    private partial void LogPollFailed(string router, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "router {Router}: routing table reachable again after {Seconds} s")]
    private partial void LogReachable(string router, long seconds);
}
