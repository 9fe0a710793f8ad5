using System.Text.Json.Nodes;
using k8s.Models;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// The registrations of the admission webhook: one ValidatingWebhookConfiguration and one MutatingWebhookConfiguration
/// with a webhook per kind. The chart creates the same objects; in self-signed mode the silos only keep their
/// <c>caBundle</c> current (<see cref="CaBundlePatch"/>).
/// </summary>
public static class WebhookConfigurations
{
    public const string ApiVersion = "admissionregistration.k8s.io/v1";
    public const string ValidatingKind = "ValidatingWebhookConfiguration";
    public const string MutatingKind = "MutatingWebhookConfiguration";

    /// <summary>The API server's wait for one call; past it the failure policy decides.</summary>
    public const int TimeoutSeconds = 5;

    /// <summary>The name of the webhook of <paramref name="kind"/>, e.g. <c>validate.modelrouters.inference.llmkube.dev</c>.</summary>
    public static string WebhookName(AdmissionKind kind, bool mutating) => $"{(mutating ? "default" : "validate")}.{kind.Plural}.{KubeNames.Group}";

    /// <summary>
    /// Validation of every kind on create and update; <c>Fail</c> for ModelRouter, <c>Ignore</c> for the others
    /// (<see cref="AdmissionKinds"/> says why). <paramref name="namespaceSelector"/> limits it to some namespaces.
    /// </summary>
    public static V1ValidatingWebhookConfiguration Validating(string name, WebhookEndpoint endpoint, byte[]? caBundle, V1LabelSelector? namespaceSelector = null) => new()
    {
        ApiVersion = ApiVersion,
        Kind = ValidatingKind,
        Metadata = new V1ObjectMeta { Name = name },
        Webhooks = [.. AdmissionKinds.All.Select(kind => new V1ValidatingWebhook
        {
            Name = WebhookName(kind, mutating: false),
            ClientConfig = endpoint.ClientConfig(kind.ValidatePath, caBundle),
            Rules = [Rule(kind)],
            AdmissionReviewVersions = ["v1"],
            SideEffects = "None",
            FailurePolicy = kind.ValidationFailurePolicy,
            MatchPolicy = "Equivalent",
            TimeoutSeconds = TimeoutSeconds,
            NamespaceSelector = namespaceSelector,
        })],
    };

    /// <summary>
    /// Defaulting of every kind on create and update, always <c>Ignore</c>: what it sets, the silo derives the same way
    /// when the field is absent, so a write need not wait for it.
    /// </summary>
    public static V1MutatingWebhookConfiguration Mutating(string name, WebhookEndpoint endpoint, byte[]? caBundle, V1LabelSelector? namespaceSelector = null) => new()
    {
        ApiVersion = ApiVersion,
        Kind = MutatingKind,
        Metadata = new V1ObjectMeta { Name = name },
        Webhooks = [.. AdmissionKinds.All.Select(kind => new V1MutatingWebhook
        {
            Name = WebhookName(kind, mutating: true),
            ClientConfig = endpoint.ClientConfig(kind.MutatePath, caBundle),
            Rules = [Rule(kind)],
            AdmissionReviewVersions = ["v1"],
            SideEffects = "None",
            FailurePolicy = AdmissionKind.Ignore,
            MatchPolicy = "Equivalent",
            TimeoutSeconds = TimeoutSeconds,
            ReinvocationPolicy = "Never",
            NamespaceSelector = namespaceSelector,
        })],
    };

    /// <summary>
    /// A server-side apply body setting <paramref name="caBundle"/> on the webhooks <paramref name="webhookNames"/> of the
    /// configuration <paramref name="name"/> (of <paramref name="kind"/>), and nothing else: the chart keeps owning the rest.
    /// </summary>
    public static JsonObject CaBundlePatch(string kind, string name, IEnumerable<string> webhookNames, byte[] caBundle) => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name },
        ["webhooks"] = new JsonArray([.. webhookNames.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["clientConfig"] = new JsonObject { ["caBundle"] = Convert.ToBase64String(caBundle) },
        })]),
    };

    private static V1RuleWithOperations Rule(AdmissionKind kind) => new()
    {
        ApiGroups = [KubeNames.Group],
        ApiVersions = [KubeNames.Version],
        Operations = ["CREATE", "UPDATE"],
        Resources = [kind.Plural],
        Scope = "Namespaced",
    };
}
