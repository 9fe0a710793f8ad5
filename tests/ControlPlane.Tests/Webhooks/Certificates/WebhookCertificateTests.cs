using System.Text;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Silo.Webhooks;
using LLMKube.Silo.Webhooks.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.ControlPlane.Tests.Webhooks.Certificates;

/// <summary>Silos sharing the webhook certificate through one Secret of the real API server, and rotating it.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class WebhookCertificateTests(ApiServerFixture api)
{
    private const string SecretName = "llmkube-webhook-tls";

    private async Task<string> SecretCertificateAsync(string ns)
    {
        var secret = await api.Client.CoreV1.ReadNamespacedSecretAsync(SecretName, ns);
        return Encoding.UTF8.GetString(secret.Data[TlsMaterial.CertificateKey]);
    }

    [ApiServerFact]
    public async Task TheFirstSiloCreatesTheSecret_AndASecondOneServesTheSameCertificate()
    {
        var ns = await api.CreateNamespaceAsync("whc");

        await using var first = await TestWebhook.StartAsync(api, ns, SecretName);
        await using var second = await TestWebhook.StartAsync(api, ns, SecretName);

        var secret = await api.Client.CoreV1.ReadNamespacedSecretAsync(SecretName, ns);
        Assert.Equal(TlsSecret.Type, secret.Type);
        Assert.Equal(TlsSecret.Component, secret.Metadata.Labels[TlsSecret.ComponentLabel]);
        Assert.Equal((1, 0), (first.Certificates.Issued, second.Certificates.Issued));
        var stored = ServingCertificate.FromPem(Encoding.UTF8.GetString(secret.Data[TlsMaterial.CertificateKey]), Encoding.UTF8.GetString(secret.Data[TlsMaterial.PrivateKeyKey]));
        Assert.Equal(stored.Certificate.Thumbprint, (await TestWebhook.ServedCertificateAsync(first.Port)).Thumbprint);
        Assert.Equal(stored.Certificate.Thumbprint, (await TestWebhook.ServedCertificateAsync(second.Port)).Thumbprint);
        Assert.Contains("127.0.0.1", SelfSignedIssuer.CoveredNames(stored.Certificate));
        Assert.Contains($"llmkube-webhook.{ns}.svc", SelfSignedIssuer.CoveredNames(stored.Certificate));
    }

    [ApiServerFact]
    public async Task PastRotateBefore_OneSiloRotates_TheSecretAndCaBundleFollow_AndBothServeTheNewCertificate()
    {
        var selector = "r" + Guid.NewGuid().ToString("N")[..8];
        var ns = await api.CreateNamespaceAsync("whr", new Dictionary<string, string> { [TestWebhook.NamespaceLabel] = selector });
        var configuration = "llmkube-test-" + selector;
        var port = Gateway.Tests.Fixtures.Ports.Free();
        await using var registration = await TestWebhook.RegisterAsync(api, configuration, TestWebhook.BaseUrlOf(port), selector);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await TestWebhook.StartAsync(api, ns, SecretName, configuration, time, port);
        await using var second = await TestWebhook.StartAsync(api, ns, SecretName, configuration, time);
        var before = first.Certificates.Material!;
        Assert.All(await TestWebhook.CaBundlesAsync(api, configuration), b => Assert.Equal(before.CaPem, b));

        time.Advance(WebhookOptions.CertificateValidity - new WebhookOptions().RotateBefore + TimeSpan.FromMinutes(1));

        var rotated = await Eventually.GetAsync(async () => await SecretCertificateAsync(ns), c => c != before.CertificatePem, what: "the rotated Secret");
        var material = await Eventually.GetAsync(() => Task.FromResult(first.Certificates.Material), m => m!.CertificatePem == rotated && second.Certificates.Material?.CertificatePem == rotated, what: "both silos on the rotated certificate");
        Assert.Equal(2, first.Certificates.Issued + second.Certificates.Issued);
        Assert.EndsWith(before.CaPem, material!.CaPem);
        Assert.NotEqual(before.CaPem, material.CaPem);
        await Eventually.GetAsync(async () => await TestWebhook.CaBundlesAsync(api, configuration), bundles => bundles.All(b => b == material.CaPem), what: "the caBundle of every webhook");
        var expected = material.ToServingCertificate().Certificate.Thumbprint;
        Assert.Equal(expected, (await TestWebhook.ServedCertificateAsync(first.Port)).Thumbprint);
        Assert.Equal(expected, (await TestWebhook.ServedCertificateAsync(second.Port)).Thumbprint);
    }
}
