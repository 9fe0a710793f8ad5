using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>One compiled backend.</summary>
[GenerateSerializer, Immutable]
public sealed record BackendConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] string PublishedId,
    [property: Id(2)] BackendTier Tier,
    [property: Id(3)] string Address,
    [property: Id(4)] string? Provider,
    [property: Id(5)] string? UpstreamModel,
    [property: Id(6)] string[] Capabilities,
    [property: Id(7)] int Weight,
    [property: Id(8)] CredentialRef? Credential,
    [property: Id(9)] TimeSpan? Timeout,
    [property: Id(10)] string? InferenceService,
    [property: Id(11)] string? DisplayName)
{
    /// <summary>The <c>/v1/models</c> id: display name, else upstream model, else name.</summary>
    public string ModelsId => DisplayName ?? UpstreamModel ?? Name;

    /// <summary>Active health checks, or null when the backend has no <c>healthCheck</c>.</summary>
    [Id(12)] public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary>Declared prices (<c>costPerMillionTokens</c>), or null when the backend declares none.</summary>
    [Id(13)] public TokenPrices? Prices { get; init; }

    /// <summary>
    /// What makes a backend "the same upstream": when it changes, what was learnt about the old one
    /// (its circuit, a gateway's local breaker) no longer applies. Everything else keeps them.
    /// </summary>
    public string UpstreamIdentity => $"{Address}|{Provider}|{InferenceService}";
}
