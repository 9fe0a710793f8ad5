using LLMKube.Grains.Routers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Resources;

/// <summary>
/// The file source of truth (standalone gateways, and silos started with <c>--resources</c>): applies the
/// set the process started from to the Router grains once every hosted service has started (so the
/// co-hosted or local silo is up, whatever the registration order), then watches the files and applies
/// each valid change. An invalid change is refused as a whole and the last good config keeps serving.
/// </summary>
public sealed partial class ResourceSync(
    IGrainFactory grains,
    IEnumerable<IResourceConsumer> consumers,
    IOptions<ResourceSyncOptions> options,
    TimeProvider time,
    ILogger<ResourceSync> logger) : IHostedLifecycleService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private volatile bool _applied;

    /// <summary>Raised after every reload attempt, applied or refused.</summary>
    public event Action<ReloadResult>? Reloaded;

    /// <summary>True once the set the process started from has been applied.</summary>
    public bool HasApplied => _applied;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var initial = settings.Initial ?? CompiledResources.Load(settings.Path ?? throw new InvalidOperationException("ResourceSyncOptions.Path is not set"));
        var problems = initial.Problems.Concat(consumers.SelectMany(c => c.Check(initial.Resources, initial.Source))).ToList();
        if (problems.Count > 0) throw new ResourceLoadException(initial.RefusalMessage(problems.Skip(initial.Problems.Count)));
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(initial);
        }
        finally
        {
            _gate.Release();
        }
        _applied = true;
        Watch(Path.GetFullPath(initial.Source));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    /// <summary>Reads, validates and applies the resources now; the result says whether they were applied.</summary>
    public async Task<ReloadResult> ReloadAsync()
    {
        await _gate.WaitAsync();
        try
        {
            var loaded = CompiledResources.Load(options.Value.Path!);
            var problems = loaded.Problems.Concat(consumers.SelectMany(c => c.Check(loaded.Resources, loaded.Source))).ToList();
            var routers = loaded.Configs.Select(c => c.Router.ToString()).ToList();
            ReloadResult result;
            if (problems.Count > 0)
            {
                foreach (var problem in problems) LogRefused(problem);
                result = new ReloadResult(false, problems, routers);
            }
            else
            {
                await ApplyAsync(loaded);
                result = new ReloadResult(true, [], routers);
            }
            Reloaded?.Invoke(result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyAsync(CompiledResources resources)
    {
        foreach (var warning in resources.Warnings) LogWarning(warning);
        foreach (var consumer in consumers) consumer.Apply(resources.Resources);
        foreach (var config in resources.Configs) await grains.GetGrain<IRouterGrain>(config.Router.ToString()).Apply(config);
        LogApplied(resources.Configs.Count, string.Join(", ", resources.Configs.Select(c => c.Router)));
    }

    private void Watch(string fullPath)
    {
        var directory = Directory.Exists(fullPath) ? fullPath : Path.GetDirectoryName(fullPath)!;
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = Directory.Exists(fullPath),
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        if (!Directory.Exists(fullPath)) _watcher.Filter = Path.GetFileName(fullPath);
        FileSystemEventHandler changed = (_, _) => Schedule();
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    // Editors write files in several steps; reload once they have settled.
    private void Schedule()
    {
        var debounce = _debounce ??= time.CreateTimer(_ => _ = ReloadFromWatcherAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        debounce.Change(options.Value.Debounce, Timeout.InfiniteTimeSpan);
    }

    private async Task ReloadFromWatcherAsync()
    {
        try
        {
            await ReloadAsync();
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "resources applied: {Count} router(s): {Routers}")]
    private partial void LogApplied(int count, string routers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "resources reload refused, the last good config keeps serving: {Problem}")]
    private partial void LogRefused(string problem);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "resources reload failed, the last good config keeps serving")]
    private partial void LogReloadFailed(Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogWarning(string warning);
}
