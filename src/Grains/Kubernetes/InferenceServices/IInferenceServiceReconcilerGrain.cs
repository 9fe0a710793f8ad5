namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// The single writer of one InferenceService's Kubernetes objects and status, keyed <c>namespace/name</c>. Every
/// silo's watch sends what it saw; the grain reconciles once per change, whichever silo (or how many) reported it.
/// </summary>
public interface IInferenceServiceReconcilerGrain : IGrainWithStringKey
{
    /// <summary>What a silo observed of the service, its Model, its owned objects and its Mac agent.</summary>
    Task Observe(InferenceServiceObservation observation);

    /// <summary>
    /// The freshest Mac agent heartbeat has just expired: decide the status again. Called by the grain's own timer,
    /// since an agent that is gone writes nothing that a watch could report.
    /// </summary>
    Task HeartbeatExpired();

    /// <summary>Gateway exposure waits for the gateway CRDs: time to look again. Called by the grain's own timer.</summary>
    Task GatewayDue();

    /// <summary>The service is gone: stop its timers. Owned objects go with it through their owner references.</summary>
    Task Deleted();
}
