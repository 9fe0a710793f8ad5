namespace LLMKube.Grains.Hosting;

/// <summary>
/// How a process stops on SIGTERM, bound from the <c>Shutdown</c> section: it reports not-ready at once,
/// keeps serving for <see cref="Delay"/> (so load balancers and Kubernetes endpoints stop sending it
/// traffic), then stops accepting and lets in-flight work finish for up to <see cref="DrainTimeout"/>.
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>Time between SIGTERM and closing the listener, serving while reporting not-ready. 0 in local use; a few seconds in Kubernetes.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long in-flight requests and streams may run once the listener closed; what is left is then ended
    /// (streams with an SSE <c>error</c> event). Longer than typical LLM streams.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Extra time after the drain for the rest of the host (the Orleans silo or client) to stop cleanly.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// True in a process that relays client requests (the gateway). A silo has none to wait for, so its
    /// <see cref="DrainTimeout"/> does not apply. Set by the process's composition, not by configuration.
    /// </summary>
    internal bool DrainsRequests { get; set; }

    /// <summary>The whole stop: the delay, the drain where there is one, and the rest of the host; past it the process exits anyway.</summary>
    public TimeSpan Budget => Delay + (DrainsRequests ? DrainTimeout : TimeSpan.Zero) + StopTimeout;
}
