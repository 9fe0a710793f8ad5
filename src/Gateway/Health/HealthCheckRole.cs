namespace LLMKube.Gateway.Health;

/// <summary>This gateway's part in one round of a backend's active health checks.</summary>
internal enum HealthCheckRole
{
    /// <summary>It holds the Backend grain's health-check lease: it checks and reports the result.</summary>
    Prober,
    /// <summary>Another gateway holds the lease: this one does nothing this round.</summary>
    Standby,
    /// <summary>The cluster did not answer: it checks on its own authority and keeps the result local.</summary>
    Degraded,
}
