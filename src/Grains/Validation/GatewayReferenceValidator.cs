using System.Text.RegularExpressions;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Validation;

/// <summary>Checks a <c>gatewayRef</c> the way the API server's schema does, for the ModelRouter and InferenceService validators.</summary>
public static partial class GatewayReferenceValidator
{
    public static void Validate(GatewayReference reference, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(reference.Name)) errors.Add(new($"{path}.name", "name is required"));
        else if (reference.Name.Length > 253) errors.Add(new($"{path}.name", $"at most 253 characters (got {reference.Name.Length})"));
        if (reference.Namespace is { } ns && (ns.Length > 63 || !NamespaceRegex().IsMatch(ns)))
            errors.Add(new($"{path}.namespace", $"\"{ns}\" is not a namespace name (lower-case letters, digits and -, at most 63)"));
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceRegex();
}
