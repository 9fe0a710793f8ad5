namespace LLMKube.Grains.Routing;

/// <summary>
/// A backend's compiled <c>healthCheck</c>, defaults applied: the path one gateway GETs on every
/// <see cref="Interval"/>, and how many results in a row open or close the backend's circuit.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HealthCheckConfig(
    [property: Id(0)] string Path,
    [property: Id(1)] TimeSpan Interval,
    [property: Id(2)] TimeSpan Timeout,
    [property: Id(3)] int FailureThreshold,
    [property: Id(4)] int SuccessThreshold)
{
    /// <summary>The path checked when <c>healthCheck.path</c> is unset.</summary>
    public const string DefaultPath = "/health";

    /// <summary>Seconds between checks when <c>healthCheck.intervalSeconds</c> is unset.</summary>
    public const int DefaultIntervalSeconds = 10;

    /// <summary>Seconds a check may take when <c>healthCheck.timeoutSeconds</c> is unset.</summary>
    public const int DefaultTimeoutSeconds = 2;

    /// <summary>Failed checks in a row that open the circuit, when <c>healthCheck.failureThreshold</c> is unset.</summary>
    public const int DefaultFailureThreshold = 3;

    /// <summary>Passed checks in a row that close the circuit, when <c>healthCheck.successThreshold</c> is unset.</summary>
    public const int DefaultSuccessThreshold = 1;

    /// <summary>
    /// How long the prober's lease lasts without renewal. The holder renews it every interval, so a
    /// gateway that stops (or loses the cluster) is replaced after two missed rounds.
    /// </summary>
    public TimeSpan Lease => Interval * 2 + Timeout;
}
