namespace LLMKube.Grains.Api;

/// <summary><c>status.backends[]</c> of a ModelRouter: the shared circuit of one backend, and whether it is in rotation.</summary>
[GenerateSerializer]
public sealed class RouterBackendStatus
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Address { get; set; }
    [Id(2)] public bool? Healthy { get; set; }
    /// <summary><c>Healthy</c>, <c>Quarantined</c>, or <c>Unavailable</c> (out of rotation: its InferenceService is not serving).</summary>
    [Id(3)] public string? State { get; set; }
    [Id(4)] public DateTimeOffset? QuarantinedUntil { get; set; }
    /// <summary>The failure class of the last failure (never a body or a credential).</summary>
    [Id(5)] public string? LastError { get; set; }
    /// <summary>Why an <c>Unavailable</c> backend is out of rotation.</summary>
    [Id(6)] public string? Reason { get; set; }
}
