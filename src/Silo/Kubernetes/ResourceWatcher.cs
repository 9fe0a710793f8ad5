using System.Text.Json;
using k8s;
using LLMKube.Grains.Observability;

namespace LLMKube.Silo.Kubernetes;

/// <summary>What a watcher tells its owner: a full list (after start, a 410 or a resync) or one change.</summary>
public interface IWatchSink
{
    /// <summary>Everything of this source that exists now; objects not in <paramref name="items"/> are gone.</summary>
    Task ReplaceAsync(WatchSource source, IReadOnlyList<JsonElement> items);

    /// <summary>An object was added, modified or deleted.</summary>
    Task ChangedAsync(WatchSource source, WatchEventType type, JsonElement item);
}

/// <summary>
/// The list + watch loop of one source, as client-go's reflector runs it: list, then watch from the list's
/// resourceVersion with bookmarks (so a resume after a quiet hour does not start from a compacted revision),
/// resume from the last seen resourceVersion when a watch ends or the connection drops, relist on 410 Gone and
/// every <see cref="KubernetesOptions.ResyncInterval"/>, and back off with jitter while the API server fails.
/// </summary>
public sealed partial class ResourceWatcher(
    WatchSource source,
    IWatchSink sink,
    KubernetesOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Lists and watches performed; tests and metrics read them.</summary>
    public int Lists { get; private set; }

    public int Resumes { get; private set; }

    public WatchSource Source => source;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        string? resourceVersion = null;
        var listedAt = DateTimeOffset.MinValue;
        var backoff = options.InitialBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null || time.GetUtcNow() - listedAt >= options.ResyncInterval)
                {
                    var (items, rv) = await source.ListAsync(stoppingToken);
                    Lists++;
                    ControlPlaneMetrics.Listed(source.Plural);
                    listedAt = time.GetUtcNow();
                    await sink.ReplaceAsync(source, items);
                    resourceVersion = rv;
                }
                else
                {
                    Resumes++;
                }
                var timeout = Max(TimeSpan.FromSeconds(1), Min(options.WatchTimeout, options.ResyncInterval - (time.GetUtcNow() - listedAt)));
                await foreach (var (type, item) in source.WatchAsync(resourceVersion, timeout, stoppingToken))
                {
                    if (ResourceVersionOf(item) is { Length: > 0 } rv) resourceVersion = rv;
                    if (type != WatchEventType.Bookmark) await sink.ChangedAsync(source, type, item);
                    backoff = options.InitialBackoff;
                }
                backoff = options.InitialBackoff;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (WatchFailedException ex) when (ex.Code == WatchFailedException.Gone)
            {
                // Our resourceVersion is older than etcd keeps: what happened meanwhile is only known by listing again.
                LogGone(source.Name);
                ControlPlaneMetrics.WatchRestarted(source.Plural, "expired");
                resourceVersion = null;
            }
            catch (Exception ex)
            {
                LogFailed(source.Name, backoff.TotalMilliseconds, ex.Message);
                ControlPlaneMetrics.WatchRestarted(source.Plural, "failed");
                try { await Task.Delay(Jitter(backoff), time, stoppingToken); }
                catch (OperationCanceledException) { break; }
                backoff = Min(backoff * 2, options.MaxBackoff);
            }
        }
    }

    private static string? ResourceVersionOf(JsonElement item)
        => item.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;

    // ±20 %, so silos that lost the API server together do not come back in step.
    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + Random.Shared.NextDouble() * 0.4);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "watch of {Source}: resourceVersion expired (410 Gone), listing again")]
    private partial void LogGone(string source);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "watch of {Source} failed, retrying in about {DelayMs} ms: {Reason}")]
    private partial void LogFailed(string source, double delayMs, string reason);
}
