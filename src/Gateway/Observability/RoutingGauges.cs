using System.Diagnostics.Metrics;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Observability;

/// <summary>The gateway's gauges, read from the routing plan in force when Prometheus scrapes (never on the request path).</summary>
internal sealed class RoutingGauges(RoutingState routing, RoutingClock clock)
{
    public IEnumerable<Measurement<int>> Health()
    {
        if (routing.Current is not { } plan) yield break;
        foreach (var backend in plan.Backends)
            yield return new(backend.Effective.IsClosed ? 1 : 0, Tag("router", plan.RouterName), Tag("backend", backend.Config.Name));
    }

    public IEnumerable<Measurement<int>> Blocked()
    {
        if (routing.Current is not { } plan) yield break;
        foreach (var backend in plan.Backends)
            yield return new(backend.Blocked is null ? 0 : 1, Tag("router", plan.RouterName), Tag("backend", backend.Config.Name));
    }

    public IEnumerable<Measurement<int>> CircuitState()
    {
        if (routing.Current is not { } plan) yield break;
        var now = clock.Now;
        foreach (var backend in plan.Backends)
        {
            var health = backend.Effective;
            var state = health.IsClosed ? 0 : health.IsHalfOpen(now) ? 1 : 2;
            yield return new(state, Tag("router", plan.RouterName), Tag("backend", backend.Config.Name));
        }
    }

    public IEnumerable<Measurement<int>> ActiveBackends()
    {
        if (routing.Current is not { } plan) yield break;
        int local = 0, cloud = 0;
        foreach (var backend in plan.Backends)
        {
            if (!backend.Effective.IsClosed || backend.Blocked is not null) continue;
            if (backend.Config.Tier == BackendTier.Local) local++;
            else cloud++;
        }
        yield return new(local, Tag("router", plan.RouterName), Tag("tier", "local"));
        yield return new(cloud, Tag("router", plan.RouterName), Tag("tier", "cloud"));
    }

    public IEnumerable<Measurement<double>> SnapshotAge()
    {
        if (routing.Current is not { } plan) yield break;
        var age = clock.Now - routing.LastContact;
        yield return new(Math.Max(0, age.TotalSeconds), Tag("router", plan.RouterName));
    }

    public IEnumerable<Measurement<long>> SnapshotVersion()
    {
        if (routing.Current is { } plan) yield return new(plan.Snapshot.Version, Tag("router", plan.RouterName));
    }

    public IEnumerable<Measurement<long>> ConfigVersion()
    {
        if (routing.Current is { } plan) yield return new(plan.Config.Version, Tag("router", plan.RouterName));
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
