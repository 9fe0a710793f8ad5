using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LLMKube.Silo.Kubernetes;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// The serving certificate issued by the silos themselves and shared through one <c>kubernetes.io/tls</c> Secret. Every
/// silo reads the Secret at start and creates it when absent (the first create wins; the others read the winner), watches
/// it, and re-reads it every <see cref="RecheckInterval"/>. When the certificate comes within
/// <see cref="WebhookOptions.RotateBefore"/> of expiring (by the <see cref="TimeProvider"/>), a silo replaces it at the
/// resourceVersion it read, so of several silos one rotation wins and the rest adopt it. A silo publishes a new CA bundle
/// to the registrations before it serves the new certificate; the bundle keeps the previous CA, so silos not yet switched
/// stay trusted.
/// </summary>
public sealed partial class SelfSignedCertificateSource : IServingCertificateSource, IWatchSink, IDisposable
{
    /// <summary>How often the Secret and the registrations are checked without a watch event.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>The next attempt after the API server failed us.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private const int MaxAttempts = 5;

    private readonly k8s.Kubernetes _client;
    private readonly WebhookOptions _options;
    private readonly KubernetesOptions _watchOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CaBundlePublisher _publisher;
    private readonly IReadOnlyList<string> _names;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile Adopted? _current;
    private volatile bool _failing;
    private Task _background = Task.CompletedTask;
    private int _disposed;

    public SelfSignedCertificateSource(k8s.Kubernetes client, WebhookOptions options, KubernetesOptions watchOptions, TimeProvider time, ILoggerFactory loggers)
    {
        (_client, _options, _watchOptions, _time, _loggers) = (client, options, watchOptions, time, loggers);
        _logger = loggers.CreateLogger<SelfSignedCertificateSource>();
        _publisher = new CaBundlePublisher(client, options.ConfigurationName, loggers.CreateLogger<CaBundlePublisher>());
        _names = options.CertificateNames();
    }

    public ServingCertificate? Current => _current?.Serving;

    /// <summary>The PEM texts now served (tests compare them with the Secret).</summary>
    public TlsMaterial? Material => _current?.Material;

    /// <summary>Certificates this silo issued and stored (a lost race does not count).</summary>
    public int Issued { get; private set; }

    private string Name => _options.CertificateSecret!;

    private string Namespace => _options.Namespace!;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshGuardedAsync(cancellationToken);
        var source = new WatchSource(_client, "", "v1", "secrets", Namespace, TlsSecret.LabelSelector);
        var watcher = new ResourceWatcher(source, this, _watchOptions, _time, _loggers.CreateLogger<ResourceWatcher>());
        // The recheck loop's first timer is armed before StartAsync returns, so a clock advanced afterwards reaches it.
        _background = Task.WhenAll(Task.Run(() => watcher.RunAsync(_stopping.Token), CancellationToken.None), RecheckLoopAsync(_stopping.Token));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _background.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stopping.Cancel();
        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>Reads the Secret, issues or rotates when due, and serves what it holds; failures are logged and retried.</summary>
    public Task RefreshGuardedAsync(CancellationToken cancellationToken) => GuardedAsync(RefreshAsync, cancellationToken);

    // One change at a time; a failure is logged and makes the recheck loop retry soon.
    private async Task GuardedAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await work(cancellationToken);
            _failing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _failing = true;
            LogRefreshFailed(Namespace, Name, ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RecheckLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_failing || _current is null ? RetryInterval : RecheckInterval, _time, stoppingToken);
                await RefreshGuardedAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var secret = await ReadSecretAsync(cancellationToken);
            var material = TlsSecret.Read(secret);
            var now = _time.GetUtcNow();
            if (SelfSignedIssuer.RenewalReason(material, _names, now, _options.RotateBefore) is not { } reason)
            {
                await AdoptAsync(material!, cancellationToken);
                return;
            }
            var issued = SelfSignedIssuer.Issue(_names, now, WebhookOptions.CertificateValidity, material);
            try
            {
                // A replace carries the resourceVersion read above: if another silo wrote in between, it fails with 409.
                if (secret is null) await _client.CoreV1.CreateNamespacedSecretAsync(TlsSecret.Build(Name, Namespace, issued), Namespace, cancellationToken: cancellationToken);
                else await _client.CoreV1.ReplaceNamespacedSecretAsync(TlsSecret.Build(Name, Namespace, issued, secret), Name, Namespace, cancellationToken: cancellationToken);
                Issued++;
                LogIssued(Namespace, Name, reason);
                await AdoptAsync(issued, cancellationToken);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxAttempts)
            {
                LogLostRace(Namespace, Name);
            }
        }
    }

    // Publish first, then serve: the registrations trust the new CA (and still the old) before any silo presents it.
    private async Task AdoptAsync(TlsMaterial material, CancellationToken cancellationToken)
    {
        var current = _current;
        Exception? publishFailure = null;
        try
        {
            await _publisher.PublishAsync(material.CaPem, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            publishFailure = ex;
        }
        var switchAnyway = current is null || SelfSignedIssuer.RenewalReason(current.Material, _names, _time.GetUtcNow(), _options.RotateBefore) is not null;
        if (current?.Material != material && (publishFailure is null || switchAnyway))
        {
            var serving = material.ToServingCertificate();
            _current = new Adopted(material, serving);
            LogServing(Namespace, Name, serving.Certificate.Thumbprint, serving.Certificate.NotAfter.ToUniversalTime());
        }
        if (publishFailure is not null) throw new InvalidOperationException("could not publish the CA bundle: " + publishFailure.Message, publishFailure);
    }

    private async Task<V1Secret?> ReadSecretAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CoreV1.ReadNamespacedSecretAsync(Name, Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    Task IWatchSink.ReplaceAsync(WatchSource source, IReadOnlyList<JsonElement> items)
        => SecretChangedAsync(items.FirstOrDefault(IsOurs) is { ValueKind: JsonValueKind.Object } item ? item : null);

    Task IWatchSink.ChangedAsync(WatchSource source, WatchEventType type, JsonElement item)
        => IsOurs(item) ? SecretChangedAsync(type == WatchEventType.Deleted ? null : item) : Task.CompletedTask;

    // What another silo wrote is served at once; a Secret that is gone, or due, goes through the full refresh.
    private async Task SecretChangedAsync(JsonElement? item)
    {
        var material = item is { } json ? TlsSecret.Read(KubernetesJson.Deserialize<V1Secret>(json.GetRawText())) : null;
        if (material is not null && material == _current?.Material) return;
        if (material is null || SelfSignedIssuer.RenewalReason(material, _names, _time.GetUtcNow(), _options.RotateBefore) is not null)
        {
            await RefreshGuardedAsync(_stopping.Token);
            return;
        }
        await GuardedAsync(ct => AdoptAsync(material, ct), _stopping.Token);
    }

    private bool IsOurs(JsonElement item) => WatchCache.KeyOf(item) == $"{Namespace}/{Name}";

    private sealed record Adopted(TlsMaterial Material, ServingCertificate Serving);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "webhook certificate issued into Secret {Namespace}/{Name}: {Reason}")]
    private partial void LogIssued(string @namespace, string name, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Secret {Namespace}/{Name} was written by another silo first; reading theirs")]
    private partial void LogLostRace(string @namespace, string name);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "webhook serving the certificate of Secret {Namespace}/{Name}: thumbprint {Thumbprint}, expires {NotAfter:O}")]
    private partial void LogServing(string @namespace, string name, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "webhook certificate Secret {Namespace}/{Name} could not be checked, retrying: {Reason}")]
    private partial void LogRefreshFailed(string @namespace, string name, string reason);
}
