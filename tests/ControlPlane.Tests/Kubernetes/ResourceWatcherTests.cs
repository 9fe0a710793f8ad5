using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Silo.Kubernetes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LLMKube.ControlPlane.Tests.Kubernetes;

/// <summary>The list + watch loop against the real API server, through a relay that can cut its connections.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ResourceWatcherTests(ApiServerFixture api)
{
    private static readonly KubernetesOptions Options = new()
    {
        WatchTimeout = TimeSpan.FromSeconds(30),
        ResyncInterval = TimeSpan.FromHours(1),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    [ApiServerFact]
    public async Task AWatch_DeliversChanges_AndResumesAfterADroppedConnection_WithoutRelisting()
    {
        var ns = await api.CreateNamespaceAsync("watch");
        await using var relay = new TcpRelay(ApiEndpoint());
        using var client = ThroughRelay(relay);
        var sink = new RecordingSink();
        var watcher = new ResourceWatcher(new WatchSource(client, "", "v1", "configmaps", ns), sink, Options, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        // Created after the list, "first" arrives on the watch: once it is seen, the watch connection is open.
        await Eventually.GetAsync(() => Task.FromResult(watcher.Lists), n => n == 1, what: "the first list");

        await CreateConfigMapAsync(ns, "first");
        await sink.WaitForAsync(ns + "/first");
        relay.DropAll();
        await CreateConfigMapAsync(ns, "second");
        await sink.WaitForAsync(ns + "/second");

        Assert.Equal(1, watcher.Lists);
        Assert.True(watcher.Resumes >= 1, "the watch resumed from its resourceVersion");
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [ApiServerFact]
    public async Task AResumeFromACompactedResourceVersion_Gets410_AndRelists()
    {
        var ns = await api.CreateNamespaceAsync("gone");
        await using var relay = new TcpRelay(ApiEndpoint());
        using var client = ThroughRelay(relay);
        var sink = new RecordingSink();
        var watcher = new ResourceWatcher(new WatchSource(client, "", "v1", "configmaps", ns), sink, Options, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await CreateConfigMapAsync(ns, "before");
        await sink.WaitForAsync(ns + "/before");

        // While the watcher cannot reach the API server, things change, etcd compacts them away and the API server
        // restarts, so its watch cache no longer holds the watcher's resourceVersion.
        relay.Refusing = true;
        await CreateConfigMapAsync(ns, "while-away");
        await api.CompactEtcdAsync();
        await api.RestartApiServerAsync();
        relay.Refusing = false;

        await sink.WaitForAsync(ns + "/while-away", TimeSpan.FromSeconds(30));
        Assert.True(watcher.Lists >= 2, $"relisted after 410 (lists: {watcher.Lists})");
        Assert.Contains(ns + "/while-away", sink.Replaced);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private IPEndPoint ApiEndpoint() => new(IPAddress.Loopback, new Uri(api.ApiUrl).Port);

    private k8s.Kubernetes ThroughRelay(TcpRelay relay)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(api.KubeconfigPath);
        config.Host = $"https://127.0.0.1:{relay.Port}";
        return new k8s.Kubernetes(config);
    }

    private Task CreateConfigMapAsync(string ns, string name)
        => api.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["k"] = "v" } }, ns);

    private sealed class RecordingSink : IWatchSink
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new();

        public ConcurrentBag<string> Replaced { get; } = [];

        public Task ReplaceAsync(WatchSource source, IReadOnlyList<JsonElement> items)
        {
            foreach (var item in items)
            {
                Replaced.Add(KeyOf(item));
                Seen(KeyOf(item));
            }
            return Task.CompletedTask;
        }

        public Task ChangedAsync(WatchSource source, WatchEventType type, JsonElement item)
        {
            Seen(KeyOf(item));
            return Task.CompletedTask;
        }

        public Task WaitForAsync(string key, TimeSpan? timeout = null)
            => _waiters.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));

        private void Seen(string key)
        {
            _waiters.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        private static string KeyOf(JsonElement item)
        {
            var meta = item.GetProperty("metadata");
            return meta.GetProperty("namespace").GetString() + "/" + meta.GetProperty("name").GetString();
        }
    }
}
