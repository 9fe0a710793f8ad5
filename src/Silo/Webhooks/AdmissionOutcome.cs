using System.Text.Json.Nodes;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// What the webhook answers to one call: the HTTP status and AdmissionReview body, and the facts it logs (never the
/// object itself).
/// </summary>
public sealed record AdmissionOutcome(int HttpStatus, JsonObject Review, string Kind, string? Namespace, string? Name, string Operation, bool Allowed, int Errors, int Patches)
{
    /// <summary>The request is not an AdmissionReview at all: 400 with the reason, so a caller that is not the API server learns why.</summary>
    public static AdmissionOutcome BadRequest(string kind, string reason) => Error(kind, 400, "BadRequest", reason);

    /// <summary>The webhook itself failed: 500, and the API server's failure policy decides.</summary>
    public static AdmissionOutcome InternalError(string kind, string reason) => Error(kind, 500, "InternalError", reason);

    private static AdmissionOutcome Error(string kind, int code, string reason, string message)
        => new(code, AdmissionResponses.Review(AdmissionResponses.Refused("", code, reason, message)), kind, null, null, "", false, 1, 0);
}
