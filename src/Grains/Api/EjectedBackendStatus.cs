namespace LLMKube.Grains.Api;

/// <summary>One backend the generated route leaves out while it is unusable.</summary>
[GenerateSerializer]
public sealed class EjectedBackendStatus
{
    [Id(0)] public string? Name { get; set; }

    /// <summary>Why: a lifecycle block (InferenceService not serving, Mac agent gone) or the quarantine of its shared circuit.</summary>
    [Id(1)] public string? Reason { get; set; }
}
