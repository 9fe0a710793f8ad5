namespace LLMKube.Grains.Resources;

/// <summary>What <see cref="ResourceLoader"/> read: the objects it could load and every problem it met.</summary>
public sealed record ResourceLoadResult(ResourceSet Resources, IReadOnlyList<ResourceProblem> Problems)
{
    /// <summary>True when nothing was wrong.</summary>
    public bool Succeeded => Problems.Count == 0;
}
