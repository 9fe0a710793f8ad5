namespace LLMKube.Grains.Api;

/// <summary><c>status.backends[]</c> of a ModelRouter: the shared circuit of one backend.</summary>
[GenerateSerializer]
public sealed class RouterBackendStatus
{
    [Id(0)] public string? Name { get; set; }
    [Id(1)] public string? Address { get; set; }
    [Id(2)] public bool? Healthy { get; set; }
    /// <summary><c>Healthy</c> or <c>Quarantined</c>.</summary>
    [Id(3)] public string? State { get; set; }
    [Id(4)] public DateTimeOffset? QuarantinedUntil { get; set; }
    /// <summary>The failure class of the last failure (never a body or a credential).</summary>
    [Id(5)] public string? LastError { get; set; }
}
