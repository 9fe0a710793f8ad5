using LLMKube.Grains.Api;

namespace LLMKube.Grains.Backends;

/// <summary>What a Backend grain needs to know of its backend's spec.</summary>
/// <param name="Router">The owning router, <c>namespace/name</c>.</param>
/// <param name="Name">The backend name within the router.</param>
/// <param name="Identity">Changes when the backend becomes a different upstream (address, provider): resets the circuit.</param>
/// <param name="QuarantineDuration">First quarantine length; failed probes double it.</param>
[GenerateSerializer, Immutable]
public sealed record BackendSettings(
    [property: Id(0)] ObjectKey Router,
    [property: Id(1)] string Name,
    [property: Id(2)] string Identity,
    [property: Id(3)] TimeSpan QuarantineDuration);
