namespace LLMKube.Grains.Resources;

/// <summary>What <see cref="ResourceLoader"/> read: the objects it could load and every problem it met.</summary>
/// <param name="Resources">The objects read without a problem.</param>
/// <param name="Problems">Errors: any of them refuses the load.</param>
public sealed record ResourceLoadResult(ResourceSet Resources, IReadOnlyList<ResourceProblem> Problems)
{
    /// <summary>
    /// Things that do not refuse the load but are probably mistakes, such as an unknown field
    /// (<c>spec.backends[0].healthCheck.intervalSecond: unknown field</c>) in an object that loaded.
    /// </summary>
    public IReadOnlyList<ResourceProblem> Warnings { get; init; } = [];

    /// <summary>True when nothing was wrong; warnings do not count.</summary>
    public bool Succeeded => Problems.Count == 0;
}
