using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>
/// Defaults of the <c>ModelRouter</c> spec that both validation and compilation must read the same
/// way, so a spec is judged by exactly the values it will be routed with.
/// </summary>
public static class RouterSpecDefaults
{
    public const string TierLocal = "local";
    public const string TierCloud = "cloud";
    public const string DefaultClassificationHeader = "x-llmkube-classification";

    /// <summary>The sensitive set used when <c>policy.classification.sensitiveClassifications</c> is absent or empty.</summary>
    public static IReadOnlyList<string> DefaultSensitiveClassifications { get; } = ["pii", "phi"];

    /// <summary>
    /// The tier a backend routes with: <c>tier</c> when set, else its provider's default for an external backend
    /// (<see cref="ProviderDefaults.DefaultTier"/>: <c>cloud</c> but for the mock) and <c>local</c> otherwise.
    /// Deliberately not the CRD's blanket <c>local</c> default: an unlabelled cloud API must never see sensitive data.
    /// </summary>
    public static string EffectiveTier(RouterBackend backend) =>
        !string.IsNullOrEmpty(backend.Tier) ? backend.Tier
        : backend.External is { } external ? ProviderDefaults.DefaultTier(external.Provider) : TierLocal;

    /// <summary>The configured sensitive classifications when non-empty (a list replaces the default), else pii and phi.</summary>
    public static IReadOnlyList<string> SensitiveClassifications(ModelRouterSpec spec) =>
        spec.Policy?.Classification?.SensitiveClassifications is { Count: > 0 } list ? list : DefaultSensitiveClassifications;

    /// <summary>The lower-case name of the request header carrying the data classification.</summary>
    public static string ClassificationHeader(ModelRouterSpec spec) =>
        spec.Policy?.Classification?.HeaderKey is { } key && !string.IsNullOrWhiteSpace(key)
            ? key.Trim().ToLowerInvariant()
            : DefaultClassificationHeader;
}
