using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Resources;

/// <summary>The outcome of one (re)load of the resource files.</summary>
public sealed record ReloadResult(bool Applied, IReadOnlyList<string> Problems, IReadOnlyList<string> Routers);

/// <summary>
/// The file source of truth (standalone gateways, and silos until the Kubernetes controller lands): reads the resource files, validates and compiles every ModelRouter,
/// and applies them to their Router grains; then watches the files and does it again on change.
/// An invalid set is refused as a whole: at start-up the process exits with one line per problem,
/// on reload the last good config keeps serving.
/// </summary>
public sealed partial class ResourceSync(
    IGrainFactory grains,
    IEnumerable<IResourceConsumer> consumers,
    IOptions<ResourceSyncOptions> options,
    ILogger<ResourceSync> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;

    /// <summary>Raised after every load attempt, applied or refused.</summary>
    public event Action<ReloadResult>? Reloaded;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.Path;
        if (string.IsNullOrWhiteSpace(path))
            throw new ResourceLoadException("--resources is required: a YAML file or directory holding a ModelRouter (see samples/quickstart/)");
        var result = await LoadAndApplyAsync(initial: true);
        if (!result.Applied)
            throw new ResourceLoadException($"refusing to start: the resources in {path} are invalid:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", result.Problems));
        Watch(Path.GetFullPath(path));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    /// <summary>Reads, validates and applies the resources now.</summary>
    public async Task<ReloadResult> LoadAndApplyAsync(bool initial = false)
    {
        await _gate.WaitAsync();
        try
        {
            var result = await LoadCoreAsync(initial);
            if (result.Applied) LogApplied(result.Routers.Count, string.Join(", ", result.Routers));
            else if (!initial)
                foreach (var problem in result.Problems) LogRefused(problem);
            Reloaded?.Invoke(result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ReloadResult> LoadCoreAsync(bool initial)
    {
        var path = options.Value.Path!;
        var load = ResourceLoader.LoadPath(path);
        var problems = load.Problems.Select(p => p.ToString()).ToList();
        var configs = new List<RouterConfig>();
        foreach (var router in load.Resources.Routers)
        {
            var compiled = RouterCompiler.Compile(router, load.Resources);
            foreach (var error in compiled.Errors)
                problems.Add(new ResourceProblem(load.Resources.SourceOf(router) ?? path, $"ModelRouter {router.Key}", error.Path, error.Message).ToString());
            if (compiled.Config is { } config) configs.Add(config);
        }

        foreach (var consumer in consumers) problems.AddRange(consumer.Check(load.Resources, path, initial));

        var keys = configs.Select(c => c.Router.ToString()).ToList();
        if (problems.Count > 0) return new ReloadResult(false, problems, keys);

        foreach (var config in configs) await grains.GetGrain<IRouterGrain>(config.Router.ToString()).Apply(config);
        foreach (var consumer in consumers) consumer.Applied(load.Resources);
        return new ReloadResult(true, [], keys);
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
        _debounce ??= new Timer(_ => _ = ReloadFromWatcherAsync());
        _debounce.Change(options.Value.Debounce, Timeout.InfiniteTimeSpan);
    }

    private async Task ReloadFromWatcherAsync()
    {
        try
        {
            await LoadAndApplyAsync();
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex.Message);
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "resources applied: {Count} router(s): {Routers}")]
    private partial void LogApplied(int count, string routers);

    [LoggerMessage(Level = LogLevel.Error, Message = "resources reload refused, the last good config keeps serving: {Problem}")]
    private partial void LogRefused(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "resources reload failed, the last good config keeps serving: {Error}")]
    private partial void LogReloadFailed(string error);
}
