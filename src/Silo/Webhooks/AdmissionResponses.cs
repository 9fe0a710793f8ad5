using System.Text;
using System.Text.Json.Nodes;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Validation;

namespace LLMKube.Silo.Webhooks;

/// <summary>The <c>admission.k8s.io/v1</c> AdmissionReview responses the webhook sends, as JSON.</summary>
public static class AdmissionResponses
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>The AdmissionReview around one <paramref name="response"/>.</summary>
    public static JsonObject Review(JsonObject response) => new()
    {
        ["apiVersion"] = ApiVersion,
        ["kind"] = "AdmissionReview",
        ["response"] = response,
    };

    public static JsonObject Allowed(string uid) => new() { ["uid"] = uid, ["allowed"] = true };

    /// <summary>Admits with <paramref name="patches"/> applied (base64 of the JSON Patch array); no patch when there is none.</summary>
    public static JsonObject Patched(string uid, IReadOnlyList<JsonPatchOperation> patches)
    {
        var response = Allowed(uid);
        if (patches.Count == 0) return response;
        var array = new JsonArray([.. patches.Select(p => (JsonNode)p.ToJson())]);
        response["patchType"] = "JSONPatch";
        response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(array.ToJsonString()));
        return response;
    }

    /// <summary>
    /// Refuses with every error as <c>path: message</c> in <c>status.message</c>, 422 Invalid, and each error again as a
    /// cause with its field, which kubectl prints as <c>The ModelRouter "chat" is invalid: path: message</c>.
    /// </summary>
    public static JsonObject Invalid(string uid, string kind, string? name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["type"] = "FieldValueInvalid", ["field"] = e.Path, ["message"] = e.Message })]);
        var response = Refused(uid, 422, "Invalid", string.Join("; ", errors));
        response["status"]!["details"] = new JsonObject { ["name"] = name ?? "", ["group"] = KubeNames.Group, ["kind"] = kind, ["causes"] = causes };
        return response;
    }

    /// <summary>Refuses with one <paramref name="message"/>, e.g. 400 BadRequest for an object that does not read.</summary>
    public static JsonObject Refused(string uid, int code, string reason, string message) => new()
    {
        ["uid"] = uid,
        ["allowed"] = false,
        ["status"] = new JsonObject
        {
            ["status"] = "Failure",
            ["code"] = code,
            ["reason"] = reason,
            ["message"] = message,
        },
    };
}
