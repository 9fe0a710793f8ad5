using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>
/// A validated <c>ModelRouter</c> compiled into the flat form the gateway routes from. Immutable:
/// every change produces a new instance. Credentials are references (<see cref="CredentialRef"/>) that carry
/// the Secret's value when the compiling silo could read it (as a <see cref="SecretValue"/>, which never
/// prints), so a rotated Secret reaches every gateway with the next config; otherwise gateways resolve them locally.
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

    /// <summary><c>spec.policy.auditLog.filePath</c> when its sink is <c>file</c>: the gateway writes its audit lines there.</summary>
    [Id(11)] public string? AuditFile { get; init; }

    /// <summary>The Router grain's version of this config (1 for the first applied); 0 before it was applied.</summary>
    [Id(12)] public long Version { get; init; }

    /// <summary>True when some backend carries a credential value read from a Secret.</summary>
    public bool HasSecretValues => Backends.Any(b => b.Credential?.Value is not null);

    /// <summary>This config without credential values: what grain storage keeps.</summary>
    public RouterConfig WithoutSecretValues() => HasSecretValues
        ? this with { Backends = [.. Backends.Select(b => b.Credential?.Value is null ? b : b with { Credential = b.Credential with { Value = null } })] }
        : this;
}
