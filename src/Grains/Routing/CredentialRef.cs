using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>
/// Where a backend's credential comes from: a key of a Secret, else an environment variable of that name.
/// <see cref="Value"/> is the Secret's value when the compiling host could read it (the silo, from the
/// Kubernetes API or its resource files), so gateways need no access to Secrets of their own.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CredentialRef(
    [property: Id(0)] string SecretName,
    [property: Id(1)] string Key,
    [property: Id(2)] SecretValue? Value = null);
