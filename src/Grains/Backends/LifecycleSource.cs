namespace LLMKube.Grains.Backends;

/// <summary>The sources of lifecycle blocks on a backend (<see cref="IBackendGrain.SetBlock"/>): each sets and lifts its own.</summary>
public static class LifecycleSource
{
    /// <summary>The backend's InferenceService is not serving (its phase is neither Ready nor Progressing).</summary>
    public const string InferenceService = "inferenceService";
}
