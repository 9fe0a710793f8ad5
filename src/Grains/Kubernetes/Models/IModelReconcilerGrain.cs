using LLMKube.Grains.Models;

namespace LLMKube.Grains.Kubernetes.Models;

/// <summary>
/// The single writer of one Model's status, keyed <c>namespace/name</c>. Every silo's watch sends what it saw; the
/// grain reconciles once per change, whichever silo (or how many) reported it.
/// </summary>
public interface IModelReconcilerGrain : IGrainWithStringKey
{
    /// <summary>What a silo observed of the Model and the claim it reads.</summary>
    Task Observe(ModelObservation observation);

    /// <summary>The background read of <paramref name="source"/>'s header for <paramref name="generation"/> finished.</summary>
    Task HeaderRead(string source, long generation, HeaderProbe probe);

    /// <summary>The Model is gone: stop any header read and forget it.</summary>
    Task Deleted();
}
