namespace LLMKube.Grains.Resources;

/// <summary>
/// A host's stake in the resource files beyond the routers themselves: the gateway checks that the
/// router it serves is present and takes the Secret documents for credentials.
/// </summary>
public interface IResourceConsumer
{
    /// <summary>Problems that make this set unusable for the host; any problem refuses the whole set.</summary>
    IEnumerable<string> Check(ResourceSet resources, string source);

    /// <summary>Called once the set has been applied to the grains.</summary>
    void Applied(ResourceSet resources);
}
