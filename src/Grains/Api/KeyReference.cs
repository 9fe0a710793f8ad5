using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>One key of a Secret or ConfigMap in the same namespace.</summary>
[GenerateSerializer]
public sealed class KeyReference
{
    [Id(0), Required, MaxLength(253), RegularExpression(InferenceServiceLimits.ObjectNamePattern)] public string? Name { get; set; }

    [Id(1), Required, MaxLength(253)] public string? Key { get; set; }

    [Id(2), Description("The pod starts even when the object or key is missing.")] public bool? Optional { get; set; }
}
