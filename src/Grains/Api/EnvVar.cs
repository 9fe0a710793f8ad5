using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>One entry of <c>spec.env</c>: a literal value or a key of a Secret or ConfigMap.</summary>
[GenerateSerializer]
[CelRule("!(has(self.value) && has(self.valueFrom))", "env: set value or valueFrom, not both")]
public sealed class EnvVar
{
    [Id(0), Required, MaxLength(253), RegularExpression(InferenceServiceLimits.EnvNamePattern)] public string? Name { get; set; }

    [Id(1), MaxLength(SchemaLimits.MaxStringLength)] public string? Value { get; set; }

    [Id(2)] public EnvVarSource? ValueFrom { get; set; }
}
