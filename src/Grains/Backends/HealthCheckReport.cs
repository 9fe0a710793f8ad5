namespace LLMKube.Grains.Backends;

/// <summary>The result of one active health check, sent one-way by the gateway holding the health-check lease.</summary>
/// <param name="Passed">The backend answered 2xx within the check's timeout.</param>
/// <param name="Error">What failed, for the circuit's last error; null when passed.</param>
/// <param name="Reporter">The gateway that ran the check; only the lease holder's results count.</param>
/// <param name="Upstream">The <c>UpstreamIdentity</c> that was checked; results about an old upstream are ignored.</param>
[GenerateSerializer, Immutable]
public sealed record HealthCheckReport(
    [property: Id(0)] bool Passed,
    [property: Id(1)] string? Error,
    [property: Id(2)] string Reporter,
    [property: Id(3)] string Upstream);
