namespace LLMKube.Gateway.Health;

/// <summary>The verdict of one active health check: passed, or failed with what went wrong.</summary>
internal readonly record struct HealthCheckResult(bool Passed, string? Error)
{
    public static HealthCheckResult Pass { get; } = new(true, null);

    public static HealthCheckResult Fail(string error) => new(false, error);

    /// <summary>A 2xx passes; anything else, 429 and redirects included, fails: a health endpoint has one right answer.</summary>
    public static HealthCheckResult FromStatus(int status, string path)
        => status is >= 200 and < 300 ? Pass : Fail($"health check {path} returned {status}");
}
