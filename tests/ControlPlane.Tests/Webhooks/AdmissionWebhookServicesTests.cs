using LLMKube.Silo.Hosting;
using LLMKube.Silo.Webhooks;
using LLMKube.Silo.Webhooks.Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LLMKube.ControlPlane.Tests.Webhooks;

/// <summary>The webhook as the silo process composes it (built, not serving: nothing connects to this Redis address).</summary>
public sealed class AdmissionWebhookServicesTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", ["Cluster:Redis"] = "127.0.0.1:1" };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task ADisabledWebhook_AddsNothing()
    {
        await using var app = SiloApp.Build([], Settings());

        Assert.Null(app.Services.GetService<AdmissionWebhookServer>());
    }

    [Fact]
    public async Task AnEnabledWebhookWithoutACertificate_IsRefusedAtStart_NamingTheKey()
    {
        await using var app = SiloApp.Build([], Settings(("Silo:Webhook:Enabled", "true")));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Silo:Webhook:CertificateSecret is required", refused.Message);
    }

    [Fact]
    public async Task AMountedCertificateFolder_IsTheCertificateSource_AndTheNamespaceDefaults()
    {
        await using var app = SiloApp.Build([], Settings(("Silo:Webhook:Enabled", "true"), ("Silo:Webhook:CertificateDirectory", Path.GetTempPath())));

        Assert.IsType<DirectoryCertificateSource>(app.Services.GetRequiredService<IServingCertificateSource>());
        Assert.NotNull(app.Services.GetRequiredService<AdmissionWebhookServer>());
        var options = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        Assert.Equal((9443, "default"), (options.Port, options.Namespace));
    }
}
