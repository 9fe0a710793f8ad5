namespace LLMKube.Grains.Models;

/// <summary>Reads the size and GGUF header of a remote model file without downloading it.</summary>
public interface IModelHeaderReader
{
    /// <summary>Never throws for a failed read (the result says why); honours <paramref name="cancellationToken"/>.</summary>
    Task<HeaderProbe> ReadAsync(Uri url, ModelSourcePolicy policy, CancellationToken cancellationToken);
}
