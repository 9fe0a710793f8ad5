using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>Where a backend's credential comes from: a key of a Secret, else an environment variable of that name.</summary>
[GenerateSerializer, Immutable]
public sealed record CredentialRef(
    [property: Id(0)] string SecretName,
    [property: Id(1)] string Key);
