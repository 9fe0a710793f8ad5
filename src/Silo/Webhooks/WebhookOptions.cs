namespace LLMKube.Silo.Webhooks;

/// <summary>
/// The admission webhook the silo serves over HTTPS on its own port, bound from <c>Silo:Webhook</c>. The serving
/// certificate comes from a mounted <c>kubernetes.io/tls</c> Secret (<see cref="CertificateDirectory"/>) or is issued
/// and rotated by the silos themselves in a Secret they share (<see cref="CertificateSecret"/>).
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Silo:Webhook";

    /// <summary>Where a pod finds its own namespace.</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>How long an issued certificate (the CA and the serving certificate) is valid.</summary>
    public static readonly TimeSpan CertificateValidity = TimeSpan.FromDays(365);

    /// <summary>Serve the admission endpoints.</summary>
    public bool Enabled { get; set; }

    /// <summary>The HTTPS port of the admission endpoints (the admin listener is separate).</summary>
    public int Port { get; set; } = 9443;

    /// <summary>The address to listen on; unset means every interface.</summary>
    public string? Address { get; set; }

    /// <summary>A folder holding <c>tls.crt</c> and <c>tls.key</c> (a mounted cert-manager Secret), re-read when the files change.</summary>
    public string? CertificateDirectory { get; set; }

    /// <summary>Without <see cref="CertificateDirectory"/>: the <c>kubernetes.io/tls</c> Secret the silos create, share and rotate.</summary>
    public string? CertificateSecret { get; set; }

    /// <summary>The namespace of <see cref="CertificateSecret"/>; the pod's own namespace, else <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The Service in front of the webhook: the certificate names <c>svc</c>, <c>svc.ns</c>, <c>svc.ns.svc</c> and <c>svc.ns.svc.cluster.local</c>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>More DNS names or IP addresses for the issued certificate (an address the API server calls by URL).</summary>
    public List<string> AdditionalNames { get; set; } = [];

    /// <summary>
    /// The ValidatingWebhookConfiguration and MutatingWebhookConfiguration (both of this name, created by the chart) whose
    /// <c>caBundle</c> the silos keep current with the CA they issued; unset leaves the registrations alone.
    /// </summary>
    public string? ConfigurationName { get; set; }

    /// <summary>An issued certificate is replaced this long before it expires.</summary>
    public TimeSpan RotateBefore { get; set; } = TimeSpan.FromDays(30);

    /// <summary>True when the silos issue the certificate themselves.</summary>
    public bool SelfSigned => string.IsNullOrWhiteSpace(CertificateDirectory);

    /// <summary>The names an issued certificate must cover.</summary>
    public IReadOnlyList<string> CertificateNames()
    {
        var names = new List<string>();
        if (!string.IsNullOrWhiteSpace(ServiceName))
        {
            var ns = Namespace ?? "default";
            names.AddRange([ServiceName, $"{ServiceName}.{ns}", $"{ServiceName}.{ns}.svc", $"{ServiceName}.{ns}.svc.cluster.local"]);
        }
        names.AddRange(AdditionalNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()));
        return [.. names.Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
