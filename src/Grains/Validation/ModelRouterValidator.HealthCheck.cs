using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Validation;

// The breaker's fields: spec.backends[].healthCheck and the thresholds of spec.proxy.
public static partial class ModelRouterValidator
{
    /// <summary>The largest accepted failure or success threshold (inclusive).</summary>
    public const int MaxThreshold = 100;

    /// <summary>The largest accepted <c>healthCheck.intervalSeconds</c> (inclusive): one hour.</summary>
    public const int MaxHealthCheckIntervalSeconds = 3600;

    /// <summary>The largest accepted <c>healthCheck.timeoutSeconds</c> (inclusive).</summary>
    public const int MaxHealthCheckTimeoutSeconds = 60;

    private static void ValidateHealthCheck(HealthCheckSpec check, string path, List<FieldError> errors)
    {
        if (check.Path is { } probePath)
        {
            if (!probePath.StartsWith('/'))
            {
                errors.Add(new($"{path}.path", $"must start with /; got \"{probePath}\""));
            }
            else if (probePath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                errors.Add(new($"{path}.path", "must not contain whitespace or control characters"));
            }
        }

        // The lower bounds keep their ">= 1" message; CheckRange adds the upper bound to a value above it.
        var before = errors.Count;
        CheckMinimum(errors, $"{path}.intervalSeconds", check.IntervalSeconds, 1);
        if (check.IntervalSeconds >= 1) CheckRange(errors, $"{path}.intervalSeconds", check.IntervalSeconds, 1, MaxHealthCheckIntervalSeconds);
        CheckMinimum(errors, $"{path}.timeoutSeconds", check.TimeoutSeconds, 1);
        if (check.TimeoutSeconds >= 1) CheckRange(errors, $"{path}.timeoutSeconds", check.TimeoutSeconds, 1, MaxHealthCheckTimeoutSeconds);
        var interval = check.IntervalSeconds ?? HealthCheckConfig.DefaultIntervalSeconds;
        var timeout = check.TimeoutSeconds ?? HealthCheckConfig.DefaultTimeoutSeconds;
        // Compared with defaults applied; a check still running when the next one is due would pile up.
        if (errors.Count == before && timeout >= interval)
        {
            errors.Add(new($"{path}.timeoutSeconds", $"must be less than intervalSeconds ({interval}); got {timeout}"));
        }

        CheckRange(errors, $"{path}.failureThreshold", check.FailureThreshold, 1, MaxThreshold);
        CheckRange(errors, $"{path}.successThreshold", check.SuccessThreshold, 1, MaxThreshold);
    }
}
