namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>A backend left out of the generated route while it is unusable, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record EjectedBackend([property: Id(0)] string Name, [property: Id(1)] string Reason);
