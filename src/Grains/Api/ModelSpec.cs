using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>Model.spec</c>.</summary>
[GenerateSerializer]
public sealed class ModelSpec
{
    /// <summary>The pattern of <c>spec.source</c>: a URL of a supported scheme, an absolute path, or a Hugging Face repo id.</summary>
    public const string SourcePattern = @"^((https?|file|pvc|hf)://\S+|/\S+|[a-zA-Z0-9][\w\-\.]*/[\w\-\.]+(@[\w\-\.]+)?)$";

    [Id(0), Required, MaxLength(SchemaLimits.MaxStringLength), RegularExpression(SourcePattern),
     Description("Where the weights come from: http(s):// file URL, hf://org/repo[@rev] or org/repo, pvc://claim/path, or an absolute path / file:// (allowed roots only).")]
    public string? Source { get; set; }

    [Id(1), AllowedValues("gguf", "safetensors"), Description("Weight format; gguf (default) for llama.cpp and Ollama, safetensors for vLLM and TGI.")]
    public string? Format { get; set; }

    [Id(2)] public ModelHardware? Hardware { get; set; }

    [Id(3), RegularExpression("^[a-fA-F0-9]{64}$"), Description("Expected SHA-256 of the file; the download is checked against it.")]
    public string? Sha256 { get; set; }
}
