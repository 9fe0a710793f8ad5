using System.Text.Json;

namespace LLMKube.Silo.Webhooks;

/// <summary>Sets, for the mutating webhook, the defaults of one kind that the CRD schema cannot express.</summary>
public interface IAdmissionDefaulter
{
    /// <summary>The kind, e.g. <c>ModelRouter</c>.</summary>
    string Kind { get; }

    /// <summary>The JSON Patch operations that add the absent defaults; empty when nothing is missing. Throws <see cref="JsonException"/> when the object does not read as the kind.</summary>
    IReadOnlyList<JsonPatchOperation> Defaults(JsonElement obj);
}
