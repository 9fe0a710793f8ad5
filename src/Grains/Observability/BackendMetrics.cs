using System.Diagnostics;
using System.Diagnostics.Metrics;
using LLMKube.Grains.Backends;

namespace LLMKube.Grains.Observability;

/// <summary>
/// What the Backend grains decide for the whole cluster: circuit transitions and half-open probe leases. Counted
/// once, where the decision is made (the grain), not once per gateway. A static meter: grains are created by Orleans
/// without a say in their dependencies, and OpenTelemetry listens to a meter name process-wide anyway.
/// </summary>
public static class BackendMetrics
{
    public const string MeterName = "LLMKube.Backends";

    private static readonly Meter _meter = new(MeterName);

    private static readonly Counter<long> _transitions = _meter.CreateCounter<long>("llmkube_router_circuit_transitions_total",
        description: "Circuit breaker transitions of a backend, decided by its Backend grain (change: opened, reopened, extended, closed, probe_granted, probe_released).");

    private static readonly Counter<long> _probeLeases = _meter.CreateCounter<long>("llmkube_router_probe_leases_total",
        description: "Requests for the half-open probe lease of a backend (granted: true or false): one probe cluster-wide per window.");

    private static readonly Counter<long> _checkLeases = _meter.CreateCounter<long>("llmkube_router_health_check_leases_total",
        description: "Health-check lease holder changes of a backend: which gateway runs its active checks.");

    /// <summary>Counts a state change of <paramref name="backend"/>'s circuit; a change that only counted a failure is not one.</summary>
    public static void Transition(BackendSettings backend, CircuitChange change)
    {
        var name = change switch
        {
            CircuitChange.Opened => "opened",
            CircuitChange.Reopened => "reopened",
            CircuitChange.Extended => "extended",
            CircuitChange.Closed => "closed",
            CircuitChange.ProbeGranted => "probe_granted",
            CircuitChange.ProbeReleased => "probe_released",
            _ => null,
        };
        if (name is null) return;
        _transitions.Add(1, new TagList { { "router", backend.Router.ToString() }, { "backend", backend.Name }, { "change", name } });
    }

    /// <summary>Counts a request for the probe lease.</summary>
    public static void ProbeLease(BackendSettings backend, bool granted)
        => _probeLeases.Add(1, new TagList { { "router", backend.Router.ToString() }, { "backend", backend.Name }, { "granted", granted ? "true" : "false" } });

    /// <summary>Counts a new holder of the health-check lease.</summary>
    public static void HealthCheckLeaseMoved(BackendSettings backend)
        => _checkLeases.Add(1, new TagList { { "router", backend.Router.ToString() }, { "backend", backend.Name } });
}
