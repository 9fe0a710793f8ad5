using LLMKube.Grains.Api;

namespace LLMKube.Grains.Models;

/// <summary>What a GGUF header read found: the metadata so far (null when not even the fixed header was there) and why it stopped.</summary>
public sealed record GgufReadResult(GgufReadStatus Status, GgufMetadata? Metadata, string? Error = null);
