using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Silo.Webhooks;
using LLMKube.Silo.Webhooks.Certificates;
using Microsoft.Extensions.Logging.Abstractions;

namespace LLMKube.ControlPlane.Tests.Webhooks.Certificates;

public sealed class DirectoryCertificateSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llmkube-webhook-certs-").FullName;

    private void Write(TlsMaterial material)
    {
        File.WriteAllText(Path.Combine(_directory, TlsMaterial.PrivateKeyKey), material.KeyPem);
        File.WriteAllText(Path.Combine(_directory, TlsMaterial.CertificateKey), material.CertificatePem);
    }

    [Fact]
    public async Task TheMountedPairIsServed_AndAReplacedPairIsServedWithoutRestart()
    {
        var names = new[] { "127.0.0.1" };
        var first = SelfSignedIssuer.Issue(names, DateTimeOffset.UtcNow, TimeSpan.FromDays(90));
        Write(first);
        var options = new WebhookOptions { Enabled = true, Port = Ports.Free(), Address = "127.0.0.1", CertificateDirectory = _directory };
        var source = new DirectoryCertificateSource(_directory, TimeProvider.System, NullLogger<DirectoryCertificateSource>.Instance);
        await using var server = new AdmissionWebhookServer(options, source, AdmissionReviewHandler.Default, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);

        Assert.Equal(first.ToServingCertificate().Certificate.Thumbprint, (await TestWebhook.ServedCertificateAsync(options.Port)).Thumbprint);

        var second = SelfSignedIssuer.Issue(names, DateTimeOffset.UtcNow, TimeSpan.FromDays(90));
        Write(second);
        var expected = second.ToServingCertificate().Certificate.Thumbprint;
        await Eventually.GetAsync(async () => await TestWebhook.ServedCertificateAsync(options.Port), c => c.Thumbprint == expected, what: "the replaced certificate served");
        await server.StopAsync(CancellationToken.None);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
