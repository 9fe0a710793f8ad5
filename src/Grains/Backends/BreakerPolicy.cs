using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Backends;

/// <summary>The thresholds and durations <see cref="CircuitBreaker"/> decides with, for one backend.</summary>
/// <param name="Quarantine">First quarantine length; failed probes double it.</param>
/// <param name="Consecutive5xxThreshold">Upstream 5xx in a row that open a closed circuit (1 opens at once).</param>
/// <param name="CheckFailureThreshold">Failed health checks in a row that open a closed circuit.</param>
/// <param name="CheckSuccessThreshold">Passed health checks in a row that close an open circuit.</param>
[GenerateSerializer, Immutable]
public sealed record BreakerPolicy(
    [property: Id(0)] TimeSpan Quarantine,
    [property: Id(1)] int Consecutive5xxThreshold,
    [property: Id(2)] int CheckFailureThreshold,
    [property: Id(3)] int CheckSuccessThreshold)
{
    /// <summary>The policy of a backend whose router sets nothing.</summary>
    public static BreakerPolicy Default { get; } = new(
        RouterTimers.DefaultQuarantineDuration,
        BreakerSettings.DefaultConsecutive5xxThreshold,
        HealthCheckConfig.DefaultFailureThreshold,
        HealthCheckConfig.DefaultSuccessThreshold);

    /// <summary>The policy of <paramref name="backend"/> in <paramref name="router"/>.</summary>
    public static BreakerPolicy For(RouterConfig router, BackendConfig backend) => new(
        router.Timers.QuarantineDuration,
        router.Breaker.Consecutive5xxThreshold,
        backend.HealthCheck?.FailureThreshold ?? HealthCheckConfig.DefaultFailureThreshold,
        backend.HealthCheck?.SuccessThreshold ?? HealthCheckConfig.DefaultSuccessThreshold);
}
