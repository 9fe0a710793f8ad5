using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>
/// Issues the webhook's own CA and serving certificate, and decides when they must be replaced. Pure: the time is
/// given, so the decisions are tested with a fake clock.
/// </summary>
public static class SelfSignedIssuer
{
    /// <summary>How far back a new certificate's validity starts, for API servers whose clocks run a little behind.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A new CA and a serving certificate it signed for <paramref name="names"/> (DNS names or IP addresses), both valid
    /// for <paramref name="validity"/> from <paramref name="now"/>. The CA bundle keeps the CAs of <paramref name="previous"/>
    /// that are still valid, after the new one.
    /// </summary>
    public static TlsMaterial Issue(IReadOnlyList<string> names, DateTimeOffset now, TimeSpan validity, TlsMaterial? previous = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(names.Count);
        var notBefore = now - ClockSkew;
        var notAfter = now + validity;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={names[0]} webhook CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address)) san.AddIpAddress(address);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        return new TlsMaterial(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n", ca.ExportCertificatePem() + "\n" + StillValid(previous?.CaPem, now));
    }

    /// <summary>
    /// The reason <paramref name="material"/> must be replaced at <paramref name="now"/>, or null when it can stay: absent or
    /// unreadable, within <paramref name="rotateBefore"/> of its or its CA's expiry, or not covering every name.
    /// </summary>
    public static string? RenewalReason(TlsMaterial? material, IReadOnlyList<string> names, DateTimeOffset now, TimeSpan rotateBefore)
    {
        if (material is null) return "no certificate yet";
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(material.CertificatePem, material.KeyPem);
            var bundle = ReadBundle(material.CaPem);
            if (bundle.Count == 0) return "no CA in " + TlsMaterial.CaKey;
            var expires = new DateTimeOffset(Earliest(certificate.NotAfter, bundle[0].NotAfter).ToUniversalTime());
            if (now >= expires - rotateBefore) return $"expires {expires:O}, within {rotateBefore} of now";
            var covered = CoveredNames(certificate);
            if (names.FirstOrDefault(n => !covered.Contains(n)) is { } missing) return $"does not cover {missing}";
            return null;
        }
        catch (CryptographicException ex)
        {
            return "unreadable: " + ex.Message;
        }
    }

    /// <summary>The DNS names and IP addresses of <paramref name="certificate"/>'s subject alternative names.</summary>
    public static HashSet<string> CoveredNames(X509Certificate2 certificate)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.UnionWith(extension.EnumerateDnsNames());
            names.UnionWith(extension.EnumerateIPAddresses().Select(a => a.ToString()));
        }
        return names;
    }

    // The CAs of a previous bundle that have not expired, as PEM; nothing from a bundle that does not read.
    private static string StillValid(string? bundle, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(bundle)) return "";
        try
        {
            return string.Concat(ReadBundle(bundle).Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime).Select(c => c.ExportCertificatePem() + "\n"));
        }
        catch (CryptographicException)
        {
            return "";
        }
    }

    private static List<X509Certificate2> ReadBundle(string pem)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(pem);
        return [.. bundle];
    }

    private static DateTime Earliest(DateTime a, DateTime b) => a < b ? a : b;
}
