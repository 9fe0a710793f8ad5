using System.Text.Json.Nodes;

namespace LLMKube.Silo.Webhooks;

/// <summary>One RFC 6902 operation of a mutating webhook's response, e.g. <c>add /spec/backends/0/tier "local"</c>.</summary>
public sealed record JsonPatchOperation(string Op, string Path, JsonNode? Value)
{
    /// <summary>An <c>add</c> of <paramref name="value"/> at <paramref name="path"/> (a JSON Pointer).</summary>
    public static JsonPatchOperation Add(string path, JsonNode? value) => new("add", path, value);

    public JsonObject ToJson() => new() { ["op"] = Op, ["path"] = Path, ["value"] = Value?.DeepClone() };
}
