using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// The certificate the webhook presents, with its private key and the intermediates to send along, prepared once for
/// every TLS handshake that uses it.
/// </summary>
public sealed class ServingCertificate
{
    private ServingCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates, string certificatePem)
    {
        Certificate = certificate;
        CertificatePem = certificatePem;
        // offline: the chain is built from what we were given; a webhook pod has no business fetching issuers.
        Context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The PEM it was read from (the leaf first, then any intermediates): equal text means the same certificate.</summary>
    public string CertificatePem { get; }

    public SslStreamCertificateContext Context { get; }

    /// <summary>
    /// Reads a <c>tls.crt</c> (the serving certificate first, then intermediates) and its <c>tls.key</c> (PKCS#8, PKCS#1
    /// or SEC1 PEM). Throws <see cref="System.Security.Cryptography.CryptographicException"/> when they do not make a pair.
    /// </summary>
    public static ServingCertificate FromPem(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // A PEM-loaded key is ephemeral, which SslStream refuses on some platforms; a PKCS#12 round trip gives a persisted one.
        var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var all = new X509Certificate2Collection();
        all.ImportFromPem(certificatePem);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in all.Skip(1)) intermediates.Add(c);
        all[0].Dispose();
        return new ServingCertificate(certificate, intermediates, certificatePem);
    }
}
