using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// Turns an AdmissionReview into the webhook's answer, without I/O: dispatches by kind to the registered validator or
/// defaulter, admits what has none, and refuses a body or object that does not read with a message saying why.
/// </summary>
public sealed class AdmissionReviewHandler
{
    private readonly Dictionary<string, IAdmissionValidator> _validators;
    private readonly Dictionary<string, IAdmissionDefaulter> _defaulters;

    public AdmissionReviewHandler(IEnumerable<IAdmissionValidator> validators, IEnumerable<IAdmissionDefaulter> defaulters)
    {
        _validators = validators.ToDictionary(v => v.Kind, StringComparer.Ordinal);
        _defaulters = defaulters.ToDictionary(d => d.Kind, StringComparer.Ordinal);
    }

    /// <summary>The handler of <see cref="AdmissionRegistrations"/>, for a silo with the given Model source policy.</summary>
    public static AdmissionReviewHandler For(Grains.Models.ModelSourcePolicy sources) => new(AdmissionRegistrations.Validators(sources), AdmissionRegistrations.Defaulters);

    /// <summary>The handler of a silo that allows no local Model sources (the default).</summary>
    public static AdmissionReviewHandler Default { get; } = For(Grains.Models.ModelSourcePolicy.Default);

    /// <summary>The validating webhook: admits, or refuses with every validation error.</summary>
    public AdmissionOutcome Validate(AdmissionKind kind, ReadOnlyMemory<byte> body)
    {
        var validator = _validators.GetValueOrDefault(kind.Kind);
        return Admit(kind, body, validator is null ? null : request =>
        {
            try
            {
                var errors = validator.Validate(request.Object);
                return errors.Count == 0 ? null : Outcome(kind, request, AdmissionResponses.Invalid(request.Uid, kind.Kind, request.Name, errors), allowed: false, errors: errors.Count);
            }
            catch (JsonException ex)
            {
                var message = $"the {kind.Kind} does not read: {Describe(ex)}";
                return Outcome(kind, request, AdmissionResponses.Refused(request.Uid, 400, "BadRequest", message), allowed: false, errors: 1);
            }
        });
    }

    /// <summary>The mutating webhook: admits, with a JSON Patch adding the defaults that are absent.</summary>
    public AdmissionOutcome Mutate(AdmissionKind kind, ReadOnlyMemory<byte> body)
    {
        var defaulter = _defaulters.GetValueOrDefault(kind.Kind);
        return Admit(kind, body, defaulter is null ? null : request =>
        {
            try
            {
                var patches = defaulter.Defaults(request.Object);
                return Outcome(kind, request, AdmissionResponses.Patched(request.Uid, patches), allowed: true, patches: patches.Count);
            }
            catch (JsonException)
            {
                // Mutation runs before the CRD schema check, which then refuses the same object with the field's expected type.
                return null;
            }
        });
    }

    // Reads the review and lets decide answer for it; a delete, a kind without a handler, or a null decision admits as is.
    private static AdmissionOutcome Admit(AdmissionKind kind, ReadOnlyMemory<byte> body, Func<AdmissionRequest, AdmissionOutcome?>? decide)
    {
        if (Refusal(kind, body, out var request) is { } refusal) return refusal;
        var decided = Exempt(request) || decide is null ? null : decide(request);
        return decided ?? Outcome(kind, request, AdmissionResponses.Allowed(request.Uid), allowed: true);
    }

    // Null when the body is an AdmissionReview for this kind with an object (or a delete); else the refusal to send.
    private static AdmissionOutcome? Refusal(AdmissionKind kind, ReadOnlyMemory<byte> body, out AdmissionRequest request)
    {
        if (!AdmissionRequest.TryParse(body, out var parsed, out var error))
        {
            request = null!;
            return AdmissionOutcome.BadRequest(kind.Kind, error);
        }
        request = parsed!;
        var problem = request.Kind is { } actual && actual != kind.Kind ? $"this endpoint admits {kind.Kind} objects, not {actual}"
            : request.Operation != AdmissionRequest.Delete && request.Object.ValueKind != JsonValueKind.Object ? $"the AdmissionReview request has no {kind.Kind} object"
            : null;
        return problem is null ? null : Outcome(kind, request, AdmissionResponses.Refused(request.Uid, 400, "BadRequest", problem), allowed: false, errors: 1);
    }

    // A delete, and an update of an object being deleted (finalizers going away), must never be blocked by its spec.
    private static bool Exempt(AdmissionRequest request) => request.Operation == AdmissionRequest.Delete || request.BeingDeleted;

    private static AdmissionOutcome Outcome(AdmissionKind kind, AdmissionRequest request, JsonObject response, bool allowed, int errors = 0, int patches = 0)
        => new(200, AdmissionResponses.Review(response), kind.Kind, request.Namespace, request.Name, request.Operation, allowed, errors, patches);

    private static string Describe(JsonException ex)
        => ex.Path is { Length: > 1 } path ? $"{path.TrimStart('$').TrimStart('.')}: the value does not have the expected type" : ex.Message;
}
