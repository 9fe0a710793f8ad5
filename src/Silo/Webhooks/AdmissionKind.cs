using LLMKube.Grains.Kubernetes;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// One of our kinds as the admission webhook serves it: its endpoint paths and how the API server treats a webhook
/// that cannot be reached (<c>Fail</c> refuses the write, <c>Ignore</c> admits it).
/// </summary>
public sealed record AdmissionKind(string Kind, string Plural, string ValidationFailurePolicy)
{
    public const string Fail = "Fail";
    public const string Ignore = "Ignore";

    /// <summary>The path of the validating endpoint, e.g. <c>/validate-inference-llmkube-dev-v1alpha1-modelrouter</c>.</summary>
    public string ValidatePath => Path("validate");

    /// <summary>The path of the defaulting (mutating) endpoint.</summary>
    public string MutatePath => Path("mutate");

    private string Path(string verb) => $"/{verb}-{KubeNames.Group.Replace('.', '-')}-{KubeNames.Version}-{Kind.ToLowerInvariant()}";
}
