using System.ComponentModel.DataAnnotations;

namespace LLMKube.Grains.Api;

/// <summary>A status condition, in <c>metav1.Condition</c>'s shape.</summary>
[GenerateSerializer]
public sealed class Condition
{
    [Id(0), Required] public string? Type { get; set; }
    [Id(1), Required, AllowedValues("True", "False", "Unknown")] public string? Status { get; set; }
    [Id(2)] public string? Reason { get; set; }
    [Id(3)] public string? Message { get; set; }
    [Id(4)] public DateTimeOffset? LastTransitionTime { get; set; }
    [Id(5)] public long? ObservedGeneration { get; set; }
}
