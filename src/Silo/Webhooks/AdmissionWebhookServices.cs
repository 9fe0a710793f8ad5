using LLMKube.Silo.Kubernetes;
using Microsoft.Extensions.Options;
using LLMKube.Silo.Webhooks.Certificates;

namespace LLMKube.Silo.Webhooks;

/// <summary>Composition of the admission webhook: options, the certificate source of the configured mode, and the HTTPS listener.</summary>
public static class AdmissionWebhookServices
{
    /// <summary>Adds the webhook when <c>Silo:Webhook:Enabled</c> is true; its options are checked when the host starts.</summary>
    public static WebApplicationBuilder AddAdmissionWebhook(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(WebhookOptions.Section);
        if (section.Get<WebhookOptions>() is not { Enabled: true }) return builder;
        builder.Services.AddOptions<WebhookOptions>().Bind(section)
            .PostConfigure(o => o.Namespace = string.IsNullOrWhiteSpace(o.Namespace) ? PodNamespace() : o.Namespace)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        // Read, not bound as options: the control plane binds that section already, and binding a list twice doubles it.
        var kubernetes = builder.Configuration.GetSection(KubernetesOptions.Section).Get<KubernetesOptions>() ?? new KubernetesOptions();
        builder.Services.AddKubernetesClient(kubernetes);
        builder.Services.AddSingleton<IServingCertificateSource>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.SelfSigned
                ? new SelfSignedCertificateSource(sp.GetRequiredService<k8s.Kubernetes>(), options, kubernetes, time, sp.GetRequiredService<ILoggerFactory>())
                : new DirectoryCertificateSource(options.CertificateDirectory!, time, sp.GetRequiredService<ILogger<DirectoryCertificateSource>>());
        });
        builder.Services.AddSingleton(sp => new AdmissionWebhookServer(
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            sp.GetRequiredService<IServingCertificateSource>(),
            AdmissionReviewHandler.For(KubernetesServices.SourcePolicy(kubernetes)),
            sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdmissionWebhookServer>());
        return builder;
    }

    // The namespace a pod runs in, from its service account; outside a cluster, default.
    private static string PodNamespace()
        => File.Exists(WebhookOptions.ServiceAccountNamespaceFile) && File.ReadAllText(WebhookOptions.ServiceAccountNamespaceFile).Trim() is { Length: > 0 } ns
            ? ns
            : "default";
}
