using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.rules[].route</c>.</summary>
[GenerateSerializer]
public sealed class RuleRoute
{
    [Id(0), Required, MinLength(1), MaxLength(SchemaLimits.MaxRouteBackends)] public List<string>? Backends { get; set; }
    [Id(1), AllowedValues("primary-fallback", "weighted", "shadow")] public string? Strategy { get; set; }
}
