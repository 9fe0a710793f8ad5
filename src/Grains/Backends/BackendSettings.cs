using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Backends;

/// <summary>What a Backend grain needs to know of its backend's spec.</summary>
/// <param name="Router">The owning router, <c>namespace/name</c>.</param>
/// <param name="Name">The backend name within the router.</param>
/// <param name="Identity">The backend's <c>UpstreamIdentity</c>: a change resets the circuit, and reports about another identity are ignored.</param>
/// <param name="Policy">The breaker's thresholds and quarantine.</param>
/// <param name="HealthCheck">Active health checks; null when the backend has none.</param>
[GenerateSerializer, Immutable]
public sealed record BackendSettings(
    [property: Id(0)] ObjectKey Router,
    [property: Id(1)] string Name,
    [property: Id(2)] string Identity,
    [property: Id(4)] BreakerPolicy Policy,
    [property: Id(5)] HealthCheckConfig? HealthCheck);
