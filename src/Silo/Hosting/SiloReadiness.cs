using LLMKube.Grains.Hosting;
using LLMKube.Grains.Resources;

namespace LLMKube.Silo.Hosting;

/// <summary>
/// <c>GET /readyz</c> of a silo: ready once Orleans has started and the <c>--resources</c>, if any, were
/// applied; not ready again from the moment it is asked to stop.
/// </summary>
internal sealed class SiloReadiness(IHostApplicationLifetime lifetime, GracefulShutdown shutdown, IServiceProvider services) : IReadinessCheck
{
    private readonly ResourceSync? _resources = services.GetService<ResourceSync>();

    public IResult Check()
    {
        var ready = lifetime.ApplicationStarted.IsCancellationRequested && !shutdown.IsStopping && (_resources?.HasApplied ?? true);
        return ready
            ? Results.Text("{\"status\":\"ready\"}", "application/json")
            : Results.Text("{\"status\":\"not_ready\"}", "application/json", statusCode: 503);
    }
}
