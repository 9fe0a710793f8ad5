using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>Model.spec</c>.</summary>
[GenerateSerializer]
[CelRule("!has(self.sha256) || (has(self.source) && (self.source.startsWith('http://') || self.source.startsWith('https://')))",
    "spec.sha256 is checked only for http(s):// file sources, where the file is downloaded")]
[CelRule("!(has(self.format) && self.format == 'safetensors' && has(self.hardware) && has(self.hardware.accelerator) && self.hardware.accelerator == 'metal')",
    "spec.format safetensors cannot run with accelerator metal: the Metal agent runs llama.cpp, which loads gguf")]
[CelRule("!(has(self.source) && self.source.startsWith('pvc://') && has(self.hardware) && has(self.hardware.accelerator) && self.hardware.accelerator == 'metal')",
    "a pvc:// source cannot be used with accelerator metal: the Metal agent runs outside the cluster")]
public sealed class ModelSpec
{
    [Id(0), Required, MaxLength(SchemaLimits.MaxStringLength),
     CelRule(@"!self.matches(r'^[a-zA-Z][a-zA-Z0-9+.-]*://') || self.matches(r'^(https?|file|pvc|hf)://')",
         "this URL scheme is not supported (nor is s3://); use http(s)://host/file, hf://org/repo[@revision], org/repo[@revision], pvc://claim/path, or /absolute/path or file:///absolute/path under an allowed root"),
     CelRule(@"self.matches(r'^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$') || self.matches(r'^/\S+$') || self.matches(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]*/[a-zA-Z0-9_.-]+(@[a-zA-Z0-9_.-]+)?$')",
         "must be a URL (http(s)://, hf://, pvc://, file://) without spaces, an absolute path, or a Hugging Face repo id org/repo[@revision]"),
     Description("Where the weights come from: an http(s):// file URL, hf://org/repo[@rev] or org/repo, pvc://claim/path, or an absolute path / file:/// URL (only under the silo's allowed roots).")]
    public string? Source { get; set; }

    [Id(1), AllowedValues("gguf", "safetensors"), Description("Weight format; gguf (default) for llama.cpp and Ollama, safetensors for vLLM and TGI.")]
    public string? Format { get; set; }

    [Id(2)] public ModelHardware? Hardware { get; set; }

    [Id(3), RegularExpression("^[a-fA-F0-9]{64}$"),
     Description("Expected SHA-256 of an http(s):// file; the serving pod's download is checked against it. Not allowed with other sources.")]
    public string? Sha256 { get; set; }
}
