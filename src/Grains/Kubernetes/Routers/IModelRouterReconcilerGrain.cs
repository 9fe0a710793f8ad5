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

    /// <summary>The router is gone: stop following its health. Owned objects go with it through their owner references.</summary>
    Task Deleted();
}
