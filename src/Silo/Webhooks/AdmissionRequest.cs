using System.Text.Json;

namespace LLMKube.Silo.Webhooks;

/// <summary>The part of an <c>admission.k8s.io/v1</c> AdmissionReview request the webhook reads.</summary>
/// <param name="Uid">Echoed in the response: the API server matches them.</param>
/// <param name="Operation"><c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c> or <c>CONNECT</c>.</param>
/// <param name="Kind">The kind of the object, e.g. <c>ModelRouter</c>; null when the request does not say.</param>
/// <param name="Object">The object as it would be stored; Undefined for a DELETE.</param>
/// <param name="BeingDeleted">The object carries a <c>deletionTimestamp</c>: only finalizers are still being removed.</param>
public sealed record AdmissionRequest(string Uid, string Operation, string? Kind, string? Namespace, string? Name, JsonElement Object, bool BeingDeleted)
{
    public const string Delete = "DELETE";

    /// <summary>Reads an AdmissionReview body; false with the reason when it is not one.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, out AdmissionRequest? request, out string error)
    {
        request = null;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            error = $"the body is not JSON ({ex.Message})";
            return false;
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("request", out var r) || r.ValueKind != JsonValueKind.Object)
        {
            error = "the body is not an AdmissionReview: no request object";
            return false;
        }
        if (String(r, "uid") is not { Length: > 0 } uid)
        {
            error = "the AdmissionReview request has no uid";
            return false;
        }
        if (String(r, "operation") is not { Length: > 0 } operation)
        {
            error = "the AdmissionReview request has no operation";
            return false;
        }
        var obj = r.TryGetProperty("object", out var o) && o.ValueKind != JsonValueKind.Null ? o : default;
        var meta = obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var kind = r.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.Object ? String(k, "kind") : null;
        // A create with generateName has no name yet; the logs still want something to show.
        var name = String(r, "name") is { Length: > 0 } n ? n : String(meta, "name") ?? String(meta, "generateName");
        request = new AdmissionRequest(uid, operation, kind, String(r, "namespace"), name, obj, String(meta, "deletionTimestamp") is not null);
        error = "";
        return true;
    }

    private static string? String(JsonElement element, string property)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
