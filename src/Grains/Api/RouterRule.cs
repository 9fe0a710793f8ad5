using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.rules[]</c>: evaluated in order, the first match wins.</summary>
[GenerateSerializer]
public sealed class RouterRule
{
    [Id(0), Required, MaxLength(SchemaLimits.MaxNameLength)] public string? Name { get; set; }
    [Id(1)] public RuleMatch? Match { get; set; }
    [Id(2), Required] public RuleRoute? Route { get; set; }
    [Id(3), Description("Refuse the request rather than fall back outside this route; required for sensitive data.")] public bool FailClosed { get; set; }
    [Id(4), RegularExpression(SchemaLimits.DurationPattern), MaxLength(64)] public string? Timeout { get; set; }
}
