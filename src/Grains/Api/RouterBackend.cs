namespace LLMKube.Grains.Api;

/// <summary><c>spec.backends[]</c>: one place a request can be sent.</summary>
[GenerateSerializer]
public sealed class RouterBackend
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? DisplayName { get; set; }
    [Id(2)] public LocalObjectReference? InferenceServiceRef { get; set; }
    [Id(3)] public ExternalProvider? External { get; set; }
    /// <summary><c>local</c> or <c>cloud</c>; unset means local for an InferenceService and cloud for an external provider.</summary>
    [Id(4)] public string? Tier { get; set; }
    [Id(5)] public List<string>? Capabilities { get; set; }
    /// <summary>Share of traffic under the <c>weighted</c> strategy; 1 when unset.</summary>
    [Id(6)] public int? Weight { get; set; }
    [Id(7)] public CostPerMillionTokens? CostPerMillionTokens { get; set; }
    [Id(8)] public HealthCheckSpec? HealthCheck { get; set; }
    [Id(9)] public string? Timeout { get; set; }
}

/// <summary><c>spec.backends[].external</c>: an out-of-cluster provider.</summary>
[GenerateSerializer]
public sealed class ExternalProvider
{
    [Id(0)] public string? Provider { get; set; }
    [Id(1)] public string? Url { get; set; }
    [Id(2)] public string? Model { get; set; }
    [Id(3)] public LocalObjectReference? CredentialsSecretRef { get; set; }
}

[GenerateSerializer]
public sealed class CostPerMillionTokens
{
    [Id(0)] public string? PromptUSD { get; set; }
    [Id(1)] public string? CompletionUSD { get; set; }
}

/// <summary>
/// <c>spec.backends[].healthCheck</c>: active probing by one gateway per backend. <c>failureThreshold</c>
/// and <c>successThreshold</c> are LLMKube.Orleans additions.
/// </summary>
[GenerateSerializer]
public sealed class HealthCheckSpec
{
    /// <summary>Path GET from the backend's address; <c>/health</c> when unset.</summary>
    [Id(0)] public string? Path { get; set; }
    /// <summary>Seconds between checks; 10 when unset.</summary>
    [Id(1)] public int? IntervalSeconds { get; set; }
    /// <summary>Seconds a check may take; 2 when unset; less than the interval.</summary>
    [Id(2)] public int? TimeoutSeconds { get; set; }
    /// <summary>Failed checks in a row that open the circuit; 3 when unset.</summary>
    [Id(3)] public int? FailureThreshold { get; set; }
    /// <summary>Passed checks in a row that close an open circuit, even before its quarantine ends; 1 when unset.</summary>
    [Id(4)] public int? SuccessThreshold { get; set; }
}
