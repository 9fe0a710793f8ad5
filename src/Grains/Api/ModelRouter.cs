namespace LLMKube.Grains.Api;

/// <summary>The <c>ModelRouter</c> custom resource: backends, routing rules and policy.</summary>
[GenerateSerializer]
public sealed class ModelRouter : KubeObject
{
    public const string KindName = "ModelRouter";

    [Id(0)] public ModelRouterSpec? Spec { get; set; }

    /// <summary>Written by the control plane through the status subresource; resource files leave it out.</summary>
    [Id(1)] public ModelRouterStatus? Status { get; set; }
}
