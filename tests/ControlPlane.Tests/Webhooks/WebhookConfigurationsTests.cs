using System.Text;
using k8s.Models;
using LLMKube.Silo.Webhooks;

namespace LLMKube.ControlPlane.Tests.Webhooks;

public sealed class WebhookConfigurationsTests
{
    private static readonly byte[] _ca = Encoding.UTF8.GetBytes("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");

    [Fact]
    public void Validating_HasOneWebhookPerKind_ModelRouterFailsClosed_TheOthersOpen()
    {
        var config = WebhookConfigurations.Validating("llmkube", WebhookEndpoint.ForService("llmkube-system", "llmkube-webhook"), _ca);

        Assert.Equal(("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "llmkube"), (config.ApiVersion, config.Kind, config.Metadata.Name));
        Assert.Equal(
            [
                ("validate.modelrouters.inference.llmkube.dev", "modelrouters", "Fail", "/validate-inference-llmkube-dev-v1alpha1-modelrouter"),
                ("validate.inferenceservices.inference.llmkube.dev", "inferenceservices", "Ignore", "/validate-inference-llmkube-dev-v1alpha1-inferenceservice"),
                ("validate.models.inference.llmkube.dev", "models", "Ignore", "/validate-inference-llmkube-dev-v1alpha1-model"),
            ],
            config.Webhooks.Select(w => (w.Name, w.Rules.Single().Resources.Single(), w.FailurePolicy, w.ClientConfig.Service.Path)));
        Assert.All(config.Webhooks, w =>
        {
            var rule = w.Rules.Single();
            Assert.Equal(["inference.llmkube.dev"], rule.ApiGroups);
            Assert.Equal(["v1alpha1"], rule.ApiVersions);
            Assert.Equal(["CREATE", "UPDATE"], rule.Operations);
            Assert.Equal(["v1"], w.AdmissionReviewVersions);
            Assert.Equal(("None", "Equivalent", 5), (w.SideEffects, w.MatchPolicy, w.TimeoutSeconds));
            Assert.Equal(("llmkube-system", "llmkube-webhook", 443), (w.ClientConfig.Service.NamespaceProperty, w.ClientConfig.Service.Name, w.ClientConfig.Service.Port));
            Assert.Equal(_ca, w.ClientConfig.CaBundle);
            Assert.Null(w.ClientConfig.Url);
        });
    }

    [Fact]
    public void Mutating_IsIgnoreForEveryKind_AndCallsTheMutatePaths()
    {
        var config = WebhookConfigurations.Mutating("llmkube", WebhookEndpoint.ForService("ns", "svc", 8443), caBundle: null);

        Assert.Equal("MutatingWebhookConfiguration", config.Kind);
        Assert.Equal(
            ["default.modelrouters.inference.llmkube.dev", "default.inferenceservices.inference.llmkube.dev", "default.models.inference.llmkube.dev"],
            config.Webhooks.Select(w => w.Name));
        Assert.All(config.Webhooks, w => Assert.Equal(("Ignore", "Never", 8443), (w.FailurePolicy, w.ReinvocationPolicy, w.ClientConfig.Service.Port)));
        Assert.Equal("/mutate-inference-llmkube-dev-v1alpha1-modelrouter", config.Webhooks[0].ClientConfig.Service.Path);
        Assert.All(config.Webhooks, w => Assert.Null(w.ClientConfig.CaBundle));
    }

    [Fact]
    public void AUrlEndpoint_AppendsEachPath_AndTheNamespaceSelectorIsCarried()
    {
        var selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["webhook"] = "on" } };

        var config = WebhookConfigurations.Validating("t", WebhookEndpoint.ForUrl("https://127.0.0.1:9443/"), _ca, selector);

        Assert.Equal("https://127.0.0.1:9443/validate-inference-llmkube-dev-v1alpha1-modelrouter", config.Webhooks[0].ClientConfig.Url);
        Assert.All(config.Webhooks, w => Assert.Null(w.ClientConfig.Service));
        Assert.All(config.Webhooks, w => Assert.Same(selector, w.NamespaceSelector));
    }

    [Fact]
    public void CaBundlePatch_NamesEachWebhook_AndSetsOnlyItsCaBundle()
    {
        var patch = WebhookConfigurations.CaBundlePatch("ValidatingWebhookConfiguration", "llmkube", ["a.x.y", "b.x.y"], _ca);

        var ca = Convert.ToBase64String(_ca);
        Assert.Equal(
            $$$"""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"llmkube"},"webhooks":[{"name":"a.x.y","clientConfig":{"caBundle":"{{{ca}}}"}},{"name":"b.x.y","clientConfig":{"caBundle":"{{{ca}}}"}}]}""",
            patch.ToJsonString());
    }
}
