using System.Security.Cryptography.X509Certificates;
using LLMKube.Silo.Webhooks.Certificates;

namespace LLMKube.ControlPlane.Tests.Webhooks.Certificates;

public sealed class SelfSignedIssuerTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] _names = ["llmkube-webhook", "llmkube-webhook.ns", "llmkube-webhook.ns.svc", "llmkube-webhook.ns.svc.cluster.local", "127.0.0.1"];
    private static readonly TimeSpan _year = TimeSpan.FromDays(365);
    private static readonly TimeSpan _rotateBefore = TimeSpan.FromDays(30);

    [Fact]
    public void Issue_GivesAServingCertificateForEveryName_SignedByTheCaOfTheBundle_ValidForAYearFromNow()
    {
        var material = SelfSignedIssuer.Issue(_names, _now, _year);

        var serving = material.ToServingCertificate().Certificate;
        Assert.True(serving.HasPrivateKey);
        Assert.Equal(_names.ToHashSet(), SelfSignedIssuer.CoveredNames(serving));
        Assert.Equal((_now - SelfSignedIssuer.ClockSkew).UtcDateTime, serving.NotBefore.ToUniversalTime());
        Assert.Equal((_now + _year).UtcDateTime, serving.NotAfter.ToUniversalTime());
        var ca = X509Certificate2.CreateFromPem(material.CaPem);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _now.UtcDateTime;
        Assert.True(chain.Build(serving), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.DoesNotContain("PRIVATE KEY", material.CertificatePem + material.CaPem);
    }

    [Fact]
    public void RenewalReason_IsNull_UntilRotateBeforeTheExpiry()
    {
        var material = SelfSignedIssuer.Issue(_names, _now, _year);

        Assert.Null(SelfSignedIssuer.RenewalReason(material, _names, _now, _rotateBefore));
        Assert.Null(SelfSignedIssuer.RenewalReason(material, _names, _now + _year - _rotateBefore - TimeSpan.FromSeconds(1), _rotateBefore));
        Assert.StartsWith("expires", SelfSignedIssuer.RenewalReason(material, _names, _now + _year - _rotateBefore, _rotateBefore));
    }

    [Fact]
    public void RenewalReason_AsksForANewCertificate_WhenAbsentUnreadableOrMissingAName()
    {
        var material = SelfSignedIssuer.Issue(_names, _now, _year);

        Assert.Equal("no certificate yet", SelfSignedIssuer.RenewalReason(null, _names, _now, _rotateBefore));
        Assert.StartsWith("unreadable", SelfSignedIssuer.RenewalReason(material with { KeyPem = "junk" }, _names, _now, _rotateBefore));
        Assert.Equal("does not cover other.ns.svc", SelfSignedIssuer.RenewalReason(material, [.. _names, "other.ns.svc"], _now, _rotateBefore));
    }

    [Fact]
    public void ARotation_KeepsThePreviousCaInTheBundle_WhileItIsValid()
    {
        var first = SelfSignedIssuer.Issue(_names, _now, _year);
        var later = _now + _year - _rotateBefore;

        var second = SelfSignedIssuer.Issue(_names, later, _year, first);
        var afterExpiry = SelfSignedIssuer.Issue(_names, _now + _year + TimeSpan.FromDays(1), _year, second);

        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(second.CaPem);
        Assert.Equal(2, bundle.Count);
        Assert.Equal(X509Certificate2.CreateFromPem(first.CaPem).Thumbprint, bundle[1].Thumbprint);
        Assert.NotEqual(first.CertificatePem, second.CertificatePem);
        var third = new X509Certificate2Collection();
        third.ImportFromPem(afterExpiry.CaPem);
        Assert.Equal(2, third.Count);
        Assert.DoesNotContain(third, c => c.Thumbprint == bundle[1].Thumbprint);
    }
}
