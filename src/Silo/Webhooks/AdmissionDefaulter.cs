using System.Text.Json;
using LLMKube.Grains.Api;
using LLMKube.Silo.Kubernetes;

namespace LLMKube.Silo.Webhooks;

/// <summary>An <see cref="IAdmissionDefaulter"/> from a defaulting function of one of our API types, read as the control plane reads it.</summary>
public sealed class AdmissionDefaulter<T>(string kind, Func<T, IReadOnlyList<JsonPatchOperation>> defaults) : IAdmissionDefaulter where T : KubeObject
{
    public string Kind => kind;

    public IReadOnlyList<JsonPatchOperation> Defaults(JsonElement obj)
        => defaults(obj.Deserialize<T>(WatchCache.Json) ?? throw new JsonException($"the {kind} is null"));
}
