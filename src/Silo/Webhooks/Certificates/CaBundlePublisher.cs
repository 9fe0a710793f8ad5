using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// Keeps the <c>caBundle</c> of the webhook registrations named <see cref="WebhookOptions.ConfigurationName"/> equal to the
/// CA bundle of the issued certificate, by server-side apply of that one field. The registrations themselves belong to the
/// chart: a missing one is reported, not created.
/// </summary>
public sealed partial class CaBundlePublisher(IKubernetes client, string? configurationName, ILogger<CaBundlePublisher> logger)
{
    private readonly HashSet<string> _missing = [];

    /// <summary>Applies <paramref name="caPem"/> to both registrations where it differs. Throws when the API server fails.</summary>
    public async Task PublishAsync(string caPem, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(configurationName)) return;
        var name = configurationName;
        var bundle = System.Text.Encoding.UTF8.GetBytes(caPem);
        var admission = client.AdmissionregistrationV1;
        await PublishAsync(WebhookConfigurations.ValidatingKind, name, bundle,
            async () => (await ReadAsync(() => admission.ReadValidatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken)))
                ?.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)),
            patch => admission.PatchValidatingWebhookConfigurationAsync(patch, name, fieldManager: KubeNames.FieldManager, force: true, cancellationToken: cancellationToken));
        await PublishAsync(WebhookConfigurations.MutatingKind, name, bundle,
            async () => (await ReadAsync(() => admission.ReadMutatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken)))
                ?.Webhooks?.Select(w => (w.Name, w.ClientConfig?.CaBundle)),
            patch => admission.PatchMutatingWebhookConfigurationAsync(patch, name, fieldManager: KubeNames.FieldManager, force: true, cancellationToken: cancellationToken));
    }

    private async Task PublishAsync(string kind, string name, byte[] bundle,
        Func<Task<IEnumerable<(string Name, byte[]? CaBundle)>?>> read, Func<V1Patch, Task> apply)
    {
        if (await read() is not { } webhooks)
        {
            // Once per absence: a recheck every minute would otherwise repeat it.
            if (_missing.Add(kind)) LogMissing(kind, name);
            return;
        }
        _missing.Remove(kind);
        var all = webhooks.ToList();
        if (all.All(w => w.CaBundle is not null && w.CaBundle.AsSpan().SequenceEqual(bundle))) return;
        await apply(new V1Patch(WebhookConfigurations.CaBundlePatch(kind, name, all.Select(w => w.Name), bundle), V1Patch.PatchType.ApplyPatch));
        LogPublished(kind, name, all.Count);
    }

    private static async Task<T?> ReadAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "webhook CA bundle applied to {Kind} {Name} ({Webhooks} webhooks)")]
    private partial void LogPublished(string kind, string name, int webhooks);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Kind} {Name} does not exist: its caBundle cannot be kept current until the chart creates it")]
    private partial void LogMissing(string kind, string name);
}
