using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.backends[].external</c>: an out-of-cluster provider.</summary>
[GenerateSerializer]
public sealed class ExternalProvider
{
    [Id(0), Required, AllowedValues("anthropic", "openai", "bedrock", "vertex_ai", "litellm", "mock")] public string? Provider { get; set; }
    [Id(1), MaxLength(SchemaLimits.MaxStringLength)] public string? Url { get; set; }
    [Id(2)] public string? Model { get; set; }
    [Id(3)] public LocalObjectReference? CredentialsSecretRef { get; set; }
}
