using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

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
    [Id(1), Range(1, Validation.ModelRouterValidator.MaxHealthCheckIntervalSeconds)] public int? IntervalSeconds { get; set; }
    /// <summary>Seconds a check may take; 2 when unset; less than the interval.</summary>
    [Id(2), Range(1, Validation.ModelRouterValidator.MaxHealthCheckTimeoutSeconds)] public int? TimeoutSeconds { get; set; }
    /// <summary>Failed checks in a row that open the circuit; 3 when unset.</summary>
    [Id(3), Range(1, Validation.ModelRouterValidator.MaxThreshold)] public int? FailureThreshold { get; set; }
    /// <summary>Passed checks in a row that close an open circuit, even before its quarantine ends; 1 when unset.</summary>
    [Id(4), Range(1, Validation.ModelRouterValidator.MaxThreshold)] public int? SuccessThreshold { get; set; }
}
