using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary>One entry of <c>spec.tolerations</c>, as in a pod spec.</summary>
[GenerateSerializer]
[CelRule("!has(self.operator) || self.operator != 'Exists' || !has(self.value) || self.value == ''", "a toleration with operator Exists has no value")]
[CelRule("has(self.key) || (has(self.operator) && self.operator == 'Exists')", "a toleration without key must use operator Exists")]
public sealed class Toleration
{
    [Id(0), MaxLength(316)] public string? Key { get; set; }

    [Id(1), AllowedValues("Exists", "Equal"), Description("Equal (default) or Exists.")] public string? Operator { get; set; }

    [Id(2), MaxLength(63)] public string? Value { get; set; }

    [Id(3), AllowedValues("NoSchedule", "PreferNoSchedule", "NoExecute"), Description("Empty matches every effect.")] public string? Effect { get; set; }

    [Id(4), Description("With NoExecute: how long the pod stays after the taint appears.")] public long? TolerationSeconds { get; set; }
}
