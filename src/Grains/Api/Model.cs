namespace LLMKube.Grains.Api;

/// <summary>The <c>Model</c> custom resource: where a model's weights come from and on what hardware it runs.</summary>
[GenerateSerializer]
public sealed class Model : KubeObject
{
    public const string KindName = "Model";

    [Id(0)] public ModelSpec? Spec { get; set; }
    [Id(1)] public ModelStatus? Status { get; set; }
}
