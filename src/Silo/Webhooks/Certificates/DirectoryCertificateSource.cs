using System.Security.Cryptography;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// The serving certificate from a mounted <c>kubernetes.io/tls</c> Secret (cert-manager's, typically): <c>tls.crt</c> and
/// <c>tls.key</c> in one folder, read again whenever the folder changes. The kubelet swaps a Secret volume's files in one
/// rename, which the folder's watcher sees; a slow poll covers a watcher that missed it.
/// </summary>
public sealed partial class DirectoryCertificateSource(string directory, TimeProvider time, ILogger<DirectoryCertificateSource> logger)
    : IServingCertificateSource, IDisposable
{
    /// <summary>How often the files are read again even without a change notification.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private ITimer? _poll;
    private string? _keyPem;
    private volatile ServingCertificate? _current;

    public ServingCertificate? Current => _current;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Reload();
        _watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Reload();
        _watcher.Created += (_, _) => Reload();
        _watcher.Deleted += (_, _) => Reload();
        _watcher.Renamed += (_, _) => Reload();
        _watcher.EnableRaisingEvents = true;
        _poll = time.CreateTimer(_ => Reload(), null, PollInterval, PollInterval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Reads the pair again and switches to it when it changed and reads; a half-written pair keeps the previous one.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            string certificatePem, keyPem;
            try
            {
                certificatePem = File.ReadAllText(Path.Combine(directory, TlsMaterial.CertificateKey));
                keyPem = File.ReadAllText(Path.Combine(directory, TlsMaterial.PrivateKeyKey));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogUnreadable(directory, ex.Message);
                return;
            }
            if (_current?.CertificatePem == certificatePem && _keyPem == keyPem) return;
            try
            {
                var next = ServingCertificate.FromPem(certificatePem, keyPem);
                (_current, _keyPem) = (next, keyPem);
                LogLoaded(directory, next.Certificate.Subject, next.Certificate.Thumbprint, next.Certificate.NotAfter.ToUniversalTime());
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                LogUnreadable(directory, ex.Message);
            }
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _poll?.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "webhook serving certificate loaded from {Directory}: {Subject}, thumbprint {Thumbprint}, expires {NotAfter:O}")]
    private partial void LogLoaded(string directory, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "webhook certificate in {Directory} could not be read (the previous one, if any, is still served): {Reason}")]
    private partial void LogUnreadable(string directory, string reason);
}
