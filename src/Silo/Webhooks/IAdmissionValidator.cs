using System.Text.Json;
using LLMKube.Grains.Validation;

namespace LLMKube.Silo.Webhooks;

/// <summary>Validates the objects of one kind for the validating webhook; a kind without one is admitted.</summary>
public interface IAdmissionValidator
{
    /// <summary>The kind, e.g. <c>ModelRouter</c>.</summary>
    string Kind { get; }

    /// <summary>Every violation in <paramref name="obj"/>; empty means admit. Throws <see cref="JsonException"/> when the object does not read as the kind.</summary>
    IReadOnlyList<FieldError> Validate(JsonElement obj);
}
