using LLMKube.Grains.Api;

namespace LLMKube.Grains.Backends;

/// <summary>
/// The single owner of one backend's circuit, keyed <c>namespace/router/backend</c>. Every gateway
/// replica reports to it and reads its state from the pushed routing snapshot, so one replica's
/// discovery protects all of them, exactly one probe runs per half-open window and exactly one
/// gateway runs the backend's active health checks.
/// </summary>
public interface IBackendGrain : IGrainWithStringKey
{
    /// <summary>Applies the backend's spec; returns its current health.</summary>
    Task<BackendHealth> Configure(BackendSettings settings);

    /// <summary>A gateway's report of an attempt. One-way: never on the request path.</summary>
    [OneWay]
    Task Report(AttemptReport report);

    /// <summary>
    /// Asks for the half-open probe lease; granted to one caller per window, cluster-wide. Refused when
    /// <paramref name="upstream"/> is not the backend's current <c>UpstreamIdentity</c>.
    /// </summary>
    Task<ProbeDecision> TryAcquireProbe(string holder, string upstream, TimeSpan lease);

    /// <summary>
    /// Asks for (or renews) the health-check lease: true when <paramref name="holder"/> is the one gateway
    /// that should run the next check. Refused when the backend has no health check or
    /// <paramref name="upstream"/> is not its current upstream.
    /// </summary>
    Task<bool> TryAcquireHealthCheck(string holder, string upstream, TimeSpan lease);

    /// <summary>The lease holder's result of one health check. One-way.</summary>
    [OneWay]
    Task ReportHealthCheck(HealthCheckReport report);

    /// <summary>
    /// Sets (or, with a null <paramref name="reason"/>, lifts) the lifecycle block of one <paramref name="source"/>
    /// (<see cref="LifecycleSource"/>): while any block stands the backend is ineligible in every gateway. Pushed through
    /// the RoutingTable like a circuit transition; setting what is already set changes nothing.
    /// </summary>
    Task SetBlock(string source, string? reason);

    /// <summary>The backend's current health (what the RoutingTable publishes).</summary>
    Task<BackendHealth> GetHealth();

    /// <summary>Builds the grain key.</summary>
    static string Key(ObjectKey router, string backend) => $"{router}/{backend}";
}
