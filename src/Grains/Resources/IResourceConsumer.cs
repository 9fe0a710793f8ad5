namespace LLMKube.Grains.Resources;

/// <summary>
/// A host's stake in the resource files beyond the routers themselves: the gateway checks that the
/// router it serves is present and takes the Secret documents for credentials.
/// </summary>
public interface IResourceConsumer
{
    /// <summary>Problems that make this set unusable for the host; any problem refuses the whole set.</summary>
    IEnumerable<string> Check(ResourceSet resources, string source);

    /// <summary>
    /// Takes the accepted set, just before its routers are applied to the grains: a router that routes at
    /// once (and its first health check) must already find the Secrets it references.
    /// </summary>
    void Apply(ResourceSet resources);
}
