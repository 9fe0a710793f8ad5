using System.Text;
using k8s.Models;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>The <c>kubernetes.io/tls</c> Secret the silos share the webhook's certificate through.</summary>
public static class TlsSecret
{
    public const string Type = "kubernetes.io/tls";

    /// <summary>The label every silo watches the Secret by.</summary>
    public const string ComponentLabel = KubeNames.Group + "/component";

    public const string Component = "webhook-certificate";

    public static string LabelSelector => $"{ComponentLabel}={Component}";

    /// <summary>
    /// The Secret holding <paramref name="material"/>. With <paramref name="existing"/>, its metadata is kept (labels and
    /// annotations others set, and the resourceVersion a replace must match).
    /// </summary>
    public static V1Secret Build(string name, string ns, TlsMaterial material, V1Secret? existing = null)
    {
        var metadata = existing?.Metadata ?? new V1ObjectMeta { Name = name, NamespaceProperty = ns };
        metadata.Labels ??= new Dictionary<string, string>();
        metadata.Labels[ComponentLabel] = Component;
        metadata.Labels[KubeNames.ManagedByLabel] = KubeNames.ManagedBy;
        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = metadata,
            Type = Type,
            Data = new Dictionary<string, byte[]>
            {
                [TlsMaterial.CertificateKey] = Encoding.UTF8.GetBytes(material.CertificatePem),
                [TlsMaterial.PrivateKeyKey] = Encoding.UTF8.GetBytes(material.KeyPem),
                [TlsMaterial.CaKey] = Encoding.UTF8.GetBytes(material.CaPem),
            },
        };
    }

    /// <summary>The PEM texts of <paramref name="secret"/>; null when one of the three keys is missing or empty.</summary>
    public static TlsMaterial? Read(V1Secret? secret)
    {
        if (secret?.Data is not { } data) return null;
        string? Text(string key) => data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? Encoding.UTF8.GetString(bytes) : null;
        return Text(TlsMaterial.CertificateKey) is { } certificate && Text(TlsMaterial.PrivateKeyKey) is { } key && Text(TlsMaterial.CaKey) is { } ca
            ? new TlsMaterial(certificate, key, ca)
            : null;
    }
}
