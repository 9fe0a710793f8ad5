namespace LLMKube.Grains.Routing;

/// <summary>
/// What each <c>external.provider</c> implies: its default base URL, its default tier and the
/// well-known environment variable that holds its credential. Shared by the compiler and the gateway.
/// </summary>
public static class ProviderDefaults
{
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string Bedrock = "bedrock";
    public const string VertexAI = "vertex_ai";
    public const string LiteLLM = "litellm";

    /// <summary>The gateway's in-process, OpenAI-shaped backend: answers without any server installed.</summary>
    public const string Mock = "mock";

    /// <summary>Every provider the API accepts: the CRD enum's, then our own <see cref="Mock"/>.</summary>
    public static IReadOnlyList<string> All { get; } = [Anthropic, OpenAI, Bedrock, VertexAI, LiteLLM, Mock];

    /// <summary>True when <paramref name="provider"/> is one of <see cref="All"/> (exact, lower-case).</summary>
    public static bool IsKnown(string? provider) => provider is not null && All.Contains(provider, StringComparer.Ordinal);

    /// <summary>The base URL used when <c>external.url</c> is empty; null when the provider has none and a URL is required.</summary>
    public static string? DefaultUrl(string? provider) => provider?.ToLowerInvariant() switch
    {
        Anthropic => "https://api.anthropic.com",
        OpenAI => "https://api.openai.com",
        Mock => MockOptions.DefaultUrl,
        _ => null,
    };

    /// <summary>
    /// The tier an external backend of <paramref name="provider"/> has when <c>tier</c> is unset: <c>cloud</c>,
    /// the safe default for fail-closed rules, except the mock, which runs inside the gateway and is <c>local</c>.
    /// </summary>
    public static string DefaultTier(string? provider) => provider == Mock ? RouterSpecDefaults.TierLocal : RouterSpecDefaults.TierCloud;

    /// <summary>The environment variable (and Secret key) holding the provider's credential; null for an unknown provider and for the mock.</summary>
    public static string? CredentialEnvVar(string? provider) => provider?.ToLowerInvariant() switch
    {
        Anthropic => "ANTHROPIC_API_KEY",
        OpenAI => "OPENAI_API_KEY",
        LiteLLM => "LITELLM_MASTER_KEY",
        Bedrock => "AWS_ACCESS_KEY_ID",
        VertexAI => "GOOGLE_APPLICATION_CREDENTIALS",
        _ => null,
    };
}
