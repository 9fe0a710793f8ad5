using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>
/// A validated <c>ModelRouter</c> compiled into the flat form the gateway routes from. Immutable:
/// every change produces a new instance. Credentials appear only as references (<see cref="CredentialRef"/>);
/// the gateway resolves them locally, so secret values never travel through grains.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RouterConfig(
    [property: Id(0)] ObjectKey Router,
    [property: Id(1)] string SpecHash,
    [property: Id(2)] BackendConfig[] Backends,
    [property: Id(3)] RuleConfig[] Rules,
    [property: Id(4)] string? DefaultRoute,
    [property: Id(5)] bool BackendNameMatch,
    [property: Id(6)] string ClassificationHeader,
    [property: Id(7)] string[] SensitiveClassifications,
    [property: Id(8)] RouterTimers Timers)
{
    /// <summary>The header carrying the task complexity; fixed by the LLMKube API.</summary>
    public const string TaskComplexityHeader = "x-llmkube-task-complexity";

    /// <summary>The router-wide breaker settings (<c>spec.proxy.consecutive5xxThreshold</c>).</summary>
    [Id(9)] public BreakerSettings Breaker { get; init; } = BreakerSettings.Default;

    /// <summary><c>spec.proxy.panicMode</c>: with nothing eligible, try the candidate that failed longest ago.</summary>
    [Id(10)] public bool PanicMode { get; init; } = true;
}

/// <summary>The data-plane timers of one router (<c>spec.proxy</c>), with defaults applied.</summary>
[GenerateSerializer, Immutable]
public sealed record RouterTimers(
    [property: Id(0)] TimeSpan ResponseHeaderTimeout,
    [property: Id(1)] TimeSpan ConnectTimeout,
    [property: Id(2)] TimeSpan? StreamIdleTimeout,
    [property: Id(3)] TimeSpan? MaxStreamDuration,
    [property: Id(4)] TimeSpan QuarantineDuration)
{
    public static readonly TimeSpan DefaultResponseHeaderTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultQuarantineDuration = TimeSpan.FromSeconds(15);

    public static RouterTimers Default { get; } = new(
        DefaultResponseHeaderTimeout, DefaultConnectTimeout, null, null, DefaultQuarantineDuration);
}

/// <summary>Where a backend's credential comes from: a key of a Secret, else an environment variable of that name.</summary>
[GenerateSerializer, Immutable]
public sealed record CredentialRef(
    [property: Id(0)] string SecretName,
    [property: Id(1)] string Key);

/// <summary>A backend tier: <c>local</c> may see sensitive data, <c>cloud</c> never does.</summary>
public enum BackendTier { Local, Cloud }

/// <summary>How a rule spreads requests over its backends.</summary>
public enum RouteStrategy { PrimaryFallback, Weighted, Shadow }

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

/// <summary>One compiled rule.</summary>
[GenerateSerializer, Immutable]
public sealed record RuleConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] DataClassification,
    [property: Id(2)] string? TaskComplexity,
    [property: Id(3)] string[] RequiredCapabilities,
    [property: Id(4)] HeaderCondition[] Headers,
    [property: Id(5)] string[] Models,
    [property: Id(6)] string[] Backends,
    [property: Id(7)] RouteStrategy Strategy,
    [property: Id(8)] bool FailClosed,
    [property: Id(9)] TimeSpan? Timeout);

/// <summary>A header condition: the (lower-case) name must be present with exactly this value.</summary>
[GenerateSerializer, Immutable]
public sealed record HeaderCondition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Value);
