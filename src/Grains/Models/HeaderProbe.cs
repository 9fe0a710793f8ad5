using LLMKube.Grains.Api;

namespace LLMKube.Grains.Models;

/// <summary>
/// What reading the start of a remote model file found: its size (from Content-Range or Content-Length) and GGUF
/// metadata when the header could be read, or <see cref="Error"/> saying why not (no bodies, no credentials).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HeaderProbe(
    [property: Id(0)] long? SizeBytes,
    [property: Id(1)] GgufMetadata? Gguf,
    [property: Id(2)] string? Error)
{
    /// <summary>True when the header gave metadata (possibly partial: <see cref="Error"/> then says what is missing).</summary>
    public bool HasMetadata => Gguf?.Architecture is not null;
}
