using System.Text.RegularExpressions;

namespace LLMKube.Grains.Validation;

// Field-level checks shared by every part of the spec.
public static partial class ModelRouterValidator
{
    private static void CheckClassification(List<FieldError> errors, string path, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new(path, "classification must not be empty"));
        }
        else if (!string.Equals(value, value.ToLowerInvariant(), StringComparison.Ordinal))
        {
            // The gateway lower-cases the request header, so an upper-case value could never match.
            errors.Add(new(path, $"classification \"{value}\" must be lower-case"));
        }
    }

    private static void CheckTimeout(List<FieldError> errors, string path, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (!GoDuration.TryParse(value, out var timeout))
        {
            errors.Add(new(path, $"invalid duration \"{value}\""));
        }
        else if (timeout < MinTimeout)
        {
            errors.Add(new(path, $"must be >= 100ms; got {GoDuration.Format(timeout)}"));
        }
        else if (timeout > MaxTimeout)
        {
            errors.Add(new(path, $"must be <= 30m0s; got {GoDuration.Format(timeout)} (probable unit typo)"));
        }
    }

    private static void CheckDuration(List<FieldError> errors, string path, string? value, TimeSpan maximum)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (!GoDuration.TryParse(value, out var duration))
        {
            errors.Add(new(path, $"invalid duration \"{value}\""));
        }
        else if (duration <= TimeSpan.Zero)
        {
            errors.Add(new(path, $"must be > 0; got {GoDuration.Format(duration)}"));
        }
        else if (duration > maximum)
        {
            // Timers and CancellationTokenSource refuse very long delays; no sane setting comes near the bound.
            errors.Add(new(path, $"must be <= {GoDuration.Format(maximum)}; got {GoDuration.Format(duration)}"));
        }
    }

    private static void CheckEnum(List<FieldError> errors, string path, string? value, IReadOnlyList<string> allowed)
    {
        if (!string.IsNullOrEmpty(value) && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new(path, $"unsupported value \"{value}\"; must be one of: {string.Join(", ", allowed)}"));
        }
    }

    private static void CheckName(List<FieldError> errors, string path, string value)
    {
        if (!NameRegex().IsMatch(value))
        {
            errors.Add(new(path, $"must match {NamePattern}; got \"{value}\""));
        }
    }

    private static void CheckDecimal(List<FieldError> errors, string path, string? value)
    {
        if (value is not null && !DecimalRegex().IsMatch(value))
        {
            errors.Add(new(path, $"must match {DecimalPattern}; got \"{value}\""));
        }
    }

    private static void CheckMinimum(List<FieldError> errors, string path, long? value, long minimum)
    {
        if (value < minimum)
        {
            errors.Add(new(path, $"must be >= {minimum}; got {value}"));
        }
    }

    private static void CheckRange(List<FieldError> errors, string path, long? value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            errors.Add(new(path, $"must be between {minimum} and {maximum}; got {value}"));
        }
    }

    // \z rather than $: .NET's $ also matches before a trailing newline, Go's does not.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalRegex();
}
