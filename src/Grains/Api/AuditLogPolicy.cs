using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class AuditLogPolicy
{
    [Id(0), AllowedValues("stdout", "file", "otlp")] public string? Sink { get; set; }
    [Id(1)] public string? FilePath { get; set; }
    [Id(2)] public bool IncludeRequestBody { get; set; }
}
