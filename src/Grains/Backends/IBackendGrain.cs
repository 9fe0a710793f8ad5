using LLMKube.Grains.Api;

namespace LLMKube.Grains.Backends;

/// <summary>
/// The single owner of one backend's circuit, keyed <c>namespace/router/backend</c>. Every gateway
/// replica reports to it and reads its state from the pushed routing snapshot, so one replica's
/// discovery protects all of them and exactly one probe runs per half-open window.
/// </summary>
public interface IBackendGrain : IGrainWithStringKey
{
    /// <summary>Applies the backend's spec; returns its current health.</summary>
    Task<BackendHealth> Configure(BackendSettings settings);

    /// <summary>A gateway's report of an attempt. One-way: never on the request path.</summary>
    [OneWay]
    Task Report(AttemptReport report);

    /// <summary>Asks for the half-open probe lease; granted to one caller per window, cluster-wide.</summary>
    Task<ProbeDecision> TryAcquireProbe(string holder, TimeSpan lease);

    Task<BackendHealth> GetHealth();

    /// <summary>Builds the grain key.</summary>
    static string Key(ObjectKey router, string backend) => $"{router}/{backend}";
}
