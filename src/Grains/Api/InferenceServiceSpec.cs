using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

[GenerateSerializer]
public sealed class InferenceServiceSpec
{
    [Id(0), Required, MaxLength(253), Description("The Model in the same namespace.")] public string? ModelRef { get; set; }
    [Id(1)] public string? Runtime { get; set; }
    [Id(2)] public string? Mode { get; set; }
    [Id(3), Range(0, 10)] public int? Replicas { get; set; }
    [Id(4)] public EndpointSpec? Endpoint { get; set; }
    [Id(5)] public string? Accelerator { get; set; }
}
