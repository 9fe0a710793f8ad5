namespace LLMKube.Grains.Backends;

/// <summary>The answer to "may I probe this backend now?".</summary>
[GenerateSerializer, Immutable]
public sealed record ProbeDecision(
    [property: Id(0)] bool Granted,
    [property: Id(1)] DateTimeOffset RetryAt,
    [property: Id(2)] BackendHealth Health);
