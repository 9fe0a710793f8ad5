namespace LLMKube.Silo.Hosting;

/// <summary>Ready once Orleans has started (and, with <c>--resources</c>, the resources were applied).</summary>
/// <remarks>Registered after the Orleans and resource hosted services, so its start marks theirs complete.</remarks>
public sealed class SiloReadiness : IHostedService
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ready = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _ready = false;
        return Task.CompletedTask;
    }
}
