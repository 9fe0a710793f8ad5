using LLMKube.Grains.Backends;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Hosting;
using LLMKube.Grains.Resources;
using LLMKube.Gateway.Routing;
using LLMKube.Grains;
using LLMKube.Grains.Observability;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// A standalone gateway (co-hosted silo, real Kestrel on 127.0.0.1) started in-process from YAML
/// resources written to a temporary directory. The audit log, the logs and the routing clock are
/// captured so tests can assert on them.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, string directory, LineCapture audit, LogCapture logs, FakeTimeProvider? clock)
    {
        _app = app;
        Directory = directory;
        Audit = audit;
        Logs = logs;
        Clock = clock;
        // Two listeners: the data plane's and the admin one (metrics, health), told apart by port.
        var admin = app.Services.GetService<AdminPorts>()?.Ports ?? [];
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        BaseAddress = addresses.First(a => !admin.Contains(a.Port));
        AdminAddress = addresses.FirstOrDefault(a => admin.Contains(a.Port));
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>The admin listener (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>); null when it is off.</summary>
    public Uri? AdminAddress { get; }
    public HttpClient Client { get; }
    public string Directory { get; }
    public LineCapture Audit { get; }
    public LogCapture Logs { get; }

    /// <summary>The routing clock (quarantine, backoff), when the host was started with a fake one.</summary>
    public FakeTimeProvider? Clock { get; }

    public string ResourcesFile => Path.Combine(Directory, "resources.yaml");

    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    internal RoutingState Routing => Service<RoutingState>();

    /// <param name="configure">Changes to the host's services before it is built (e.g. a trace exporter).</param>
    public static Task<GatewayHost> StartAsync(string yaml, bool fakeClock = false, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
        => StartAsync(yaml, fakeClock ? new FakeTimeProvider(DateTimeOffset.UtcNow) : null, settings, configure: configure);

    /// <summary>A gateway in cluster mode: an Orleans client of the silos registered in <paramref name="redis"/>.</summary>
    public static Task<GatewayHost> JoinAsync(RedisServer redis, string serviceId, string router, FakeTimeProvider? clock = null,
        string? token = null, bool waitReady = true, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Cluster:Redis"] = redis.Endpoint,
            ["Cluster:ServiceId"] = serviceId,
            ["Cluster:ClusterId"] = serviceId,
            ["Cluster:Token"] = token,
            ["Gateway:Router"] = router,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        return StartAsync(null, clock, all, waitReady);
    }

    private static async Task<GatewayHost> StartAsync(string? yaml, FakeTimeProvider? clock, IDictionary<string, string?>? settings, bool waitReady = true,
        Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "llmkube-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        if (yaml is not null) await File.WriteAllTextAsync(Path.Combine(directory, "resources.yaml"), yaml);
        var audit = new LineCapture();
        var logs = new LogCapture();
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Admin:Urls"] = "http://127.0.0.1:0",
            ["Gateway:Resources"] = directory,
            ["Gateway:ReloadDebounce"] = "00:00:00.050",
            ["Gateway:SnapshotPollInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        var app = GatewayApp.Build([], all, builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Services.Replace(ServiceDescriptor.Singleton(sp => new AuditLog(audit, TimeProvider.System, sp.GetRequiredService<ILogger<AuditLog>>())));
            if (clock is not null) builder.Services.Replace(ServiceDescriptor.Singleton(new RoutingClock(clock)));
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
            if (waitReady) await app.Services.GetRequiredService<RoutingState>().Ready.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new GatewayHost(app, directory, audit, logs, clock);
    }

    /// <summary>Rewrites the resources file and waits for the watcher's reload to finish.</summary>
    public async Task<ReloadResult> RewriteAsync(string yaml)
    {
        var sync = Service<ResourceSync>();
        var done = new TaskCompletionSource<ReloadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(ReloadResult r) => done.TrySetResult(r);
        sync.Reloaded += OnReloaded;
        try
        {
            await File.WriteAllTextAsync(ResourcesFile, yaml);
            return await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            sync.Reloaded -= OnReloaded;
        }
    }

    /// <summary>Waits until the plan in force satisfies <paramref name="condition"/>.</summary>
    internal async Task WaitForPlanAsync(Func<RoutePlan, bool> condition, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnApplied(RoutePlan p) { if (condition(p)) done.TrySetResult(); }
        Routing.Applied += OnApplied;
        try
        {
            if (Routing.Current is { } current && condition(current)) return;
            await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
        finally
        {
            Routing.Applied -= OnApplied;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
