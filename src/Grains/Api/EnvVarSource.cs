using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.env[].valueFrom</c>: exactly one of a Secret key or a ConfigMap key.</summary>
[GenerateSerializer]
[CelRule("has(self.secretKeyRef) != has(self.configMapKeyRef)", "valueFrom: set exactly one of secretKeyRef or configMapKeyRef")]
public sealed class EnvVarSource
{
    [Id(0)] public KeyReference? SecretKeyRef { get; set; }

    [Id(1)] public KeyReference? ConfigMapKeyRef { get; set; }
}
