using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>
/// The single writer of one ModelRouter's Kubernetes objects and status, keyed <c>namespace/name</c>. Every silo's
/// watch sends what it saw; the grain reconciles once per change, whichever silo (or how many) reported it.
/// </summary>
public interface IModelRouterReconcilerGrain : IGrainWithStringKey
{
    /// <summary>What a silo observed; <paramref name="config"/> is the compiled router when it compiled.</summary>
    Task Observe(RouterObservation observation, RouterConfig? config);

    /// <summary>
    /// Gateway mode: the time the grain asked for has come (a CRD re-check, or the end of a backend's quarantine).
    /// Called by the grain's own timer on the routing clock.
    /// </summary>
    Task GatewayDue();

    /// <summary>The router is gone: stop following its health. Owned objects go with it through their owner references.</summary>
    Task Deleted();
}
