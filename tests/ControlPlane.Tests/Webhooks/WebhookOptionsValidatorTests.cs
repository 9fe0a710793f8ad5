using LLMKube.Silo.Webhooks;

namespace LLMKube.ControlPlane.Tests.Webhooks;

public sealed class WebhookOptionsValidatorTests
{
    private static IEnumerable<string> Failures(WebhookOptions options) => new WebhookOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void ADisabledWebhook_IsNotChecked()
    {
        Assert.Empty(Failures(new WebhookOptions { Enabled = false, Port = -1 }));
    }

    [Fact]
    public void SelfSignedMode_NeedsASecretAndNames()
    {
        var failures = Failures(new WebhookOptions { Enabled = true });

        Assert.Contains(failures, f => f.StartsWith("Silo:Webhook:CertificateSecret is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Silo:Webhook:ServiceName (or AdditionalNames) is required", StringComparison.Ordinal));
        Assert.Empty(Failures(new WebhookOptions { Enabled = true, CertificateSecret = "llmkube-webhook-tls", ServiceName = "llmkube-webhook" }));
    }

    [Fact]
    public void BadValues_AreNamedWithTheirKey()
    {
        var failures = Failures(new WebhookOptions
        {
            Enabled = true, CertificateSecret = "s", AdditionalNames = ["127.0.0.1"], Port = 70000, Address = "not-an-ip", RotateBefore = TimeSpan.FromDays(400),
        }).ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Silo:Webhook:Port must be a port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Silo:Webhook:Address must be an IP address", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Silo:Webhook:RotateBefore must be > 0 and shorter", StringComparison.Ordinal));
    }

    [Fact]
    public void DirectoryMode_NeedsAnExistingFolder_AndNoSecret()
    {
        var failures = Failures(new WebhookOptions { Enabled = true, CertificateDirectory = "/nonexistent/certs", CertificateSecret = "s" }).ToList();

        Assert.Equal(2, failures.Count);
        Assert.Empty(Failures(new WebhookOptions { Enabled = true, CertificateDirectory = Path.GetTempPath() }));
    }

    [Fact]
    public void CertificateNames_AreTheServiceDnsNames_ThenTheAdditionalOnes()
    {
        var options = new WebhookOptions { ServiceName = "hook", Namespace = "llmkube", AdditionalNames = ["127.0.0.1", "hook"] };

        Assert.Equal(["hook", "hook.llmkube", "hook.llmkube.svc", "hook.llmkube.svc.cluster.local", "127.0.0.1"], options.CertificateNames());
    }
}
