using System.Text.Json;
using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;
using LLMKube.Silo.Kubernetes;

namespace LLMKube.Silo.Webhooks;

/// <summary>An <see cref="IAdmissionValidator"/> from a validator of one of our API types, read as the control plane reads it.</summary>
public sealed class AdmissionValidator<T>(string kind, Func<T, IReadOnlyList<FieldError>> validate) : IAdmissionValidator where T : KubeObject
{
    public string Kind => kind;

    public IReadOnlyList<FieldError> Validate(JsonElement obj)
        => validate(obj.Deserialize<T>(WatchCache.Json) ?? throw new JsonException($"the {kind} is null"));
}
