using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;
using static LLMKube.Grains.Tests.Validation.TestRouters;

namespace LLMKube.Grains.Tests.Validation;

/// <summary>The breaker's fields: <c>spec.proxy.consecutive5xxThreshold</c> and <c>spec.backends[].healthCheck</c>.</summary>
public sealed class BreakerValidationTests
{
    private static string[] Errors(Action<ModelRouterSpec> change)
        => [.. ModelRouterValidator.Validate(With(change)).Select(e => e.ToString())];

    private static string[] HealthCheckErrors(HealthCheckSpec check) => Errors(s => s.Backends![0].HealthCheck = check);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Consecutive5xxThreshold_FromOneToAHundred_IsValid(int threshold)
        => Assert.Empty(Errors(s => s.Proxy = new RouterProxySpec { Consecutive5xxThreshold = threshold }));

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Consecutive5xxThreshold_OutOfRange_IsRejectedAtItsPath(int threshold)
        => Assert.Equal([$"spec.proxy.consecutive5xxThreshold: must be between 1 and 100; got {threshold}"],
            Errors(s => s.Proxy = new RouterProxySpec { Consecutive5xxThreshold = threshold }));

    [Fact]
    public void HealthCheck_EmptyOrFull_IsValid()
    {
        Assert.Empty(HealthCheckErrors(new HealthCheckSpec()));
        Assert.Empty(HealthCheckErrors(new HealthCheckSpec
        {
            Path = "/v1/models?probe=1", IntervalSeconds = 3600, TimeoutSeconds = 60, FailureThreshold = 100, SuccessThreshold = 100,
        }));
    }

    [Fact]
    public void HealthCheck_PathMustBeAnAbsolutePath()
    {
        Assert.Equal(["spec.backends[0].healthCheck.path: must start with /; got \"health\""], HealthCheckErrors(new HealthCheckSpec { Path = "health" }));
        Assert.Equal(["spec.backends[0].healthCheck.path: must start with /; got \"http://x/health\""], HealthCheckErrors(new HealthCheckSpec { Path = "http://x/health" }));
        Assert.Equal(["spec.backends[0].healthCheck.path: must not contain whitespace or control characters"], HealthCheckErrors(new HealthCheckSpec { Path = "/he alth" }));
    }

    [Fact]
    public void HealthCheck_TimeoutMustBeShorterThanTheInterval_DefaultsIncluded()
    {
        Assert.Equal(["spec.backends[0].healthCheck.timeoutSeconds: must be less than intervalSeconds (5); got 5"],
            HealthCheckErrors(new HealthCheckSpec { IntervalSeconds = 5, TimeoutSeconds = 5 }));
        Assert.Equal(["spec.backends[0].healthCheck.timeoutSeconds: must be less than intervalSeconds (2); got 2"],
            HealthCheckErrors(new HealthCheckSpec { IntervalSeconds = 2 }));
        Assert.Equal(["spec.backends[0].healthCheck.timeoutSeconds: must be less than intervalSeconds (10); got 30"],
            HealthCheckErrors(new HealthCheckSpec { TimeoutSeconds = 30 }));
    }

    [Fact]
    public void HealthCheck_Bounds_AreReportedAtEachField()
    {
        Assert.Equal(
        [
            "spec.backends[0].healthCheck.intervalSeconds: must be between 1 and 3600; got 3601",
            "spec.backends[0].healthCheck.timeoutSeconds: must be between 1 and 60; got 61",
            "spec.backends[0].healthCheck.failureThreshold: must be between 1 and 100; got 0",
            "spec.backends[0].healthCheck.successThreshold: must be between 1 and 100; got 101",
        ], HealthCheckErrors(new HealthCheckSpec { IntervalSeconds = 3601, TimeoutSeconds = 61, FailureThreshold = 0, SuccessThreshold = 101 }));
    }
}
