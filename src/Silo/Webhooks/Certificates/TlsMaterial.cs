namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// The PEM texts of a <c>kubernetes.io/tls</c> Secret: <c>tls.crt</c>, <c>tls.key</c> and <c>ca.crt</c>, the CA bundle the
/// API server trusts the webhook with (the issuing CA first, then the previous one while it is still valid, so a silo
/// still serving the previous certificate is trusted during a rotation).
/// </summary>
public sealed record TlsMaterial(string CertificatePem, string KeyPem, string CaPem)
{
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";
    public const string CaKey = "ca.crt";

    public ServingCertificate ToServingCertificate() => ServingCertificate.FromPem(CertificatePem, KeyPem);
}
