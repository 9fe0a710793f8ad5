namespace LLMKube.Grains.Resources;

/// <summary>Where resources are read from and how file changes are debounced.</summary>
public sealed class ResourceSyncOptions
{
    /// <summary>A YAML/JSON file or a directory of them.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// The set read before the host started (to fail fast, and to pick the router a gateway serves);
    /// applied as it is instead of being read again.
    /// </summary>
    public CompiledResources? Initial { get; set; }

    /// <summary>Debounce applied to file change notifications before resources are reloaded.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(250);
}
