using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Hosting;

/// <summary>
/// The first thing to react to SIGTERM: flips readiness to not-ready, keeps the host serving for the
/// configured delay (<see cref="WhenServingEnded"/>), then arms <see cref="DrainDeadline"/>. Kestrel's own
/// graceful stop drains the requests in flight meanwhile; whatever watches <see cref="DrainDeadline"/> ends
/// what is left. Starts on <see cref="IHostApplicationLifetime.ApplicationStopping"/> (SIGTERM, Ctrl+C) or the
/// first <see cref="WhenServingEnded"/>, so other services can await it in any order.
/// </summary>
public sealed partial class GracefulShutdown : IHostedLifecycleService, IDisposable
{
    private readonly ShutdownOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GracefulShutdown> _logger;
    private readonly CancellationTokenSource _drain = new();
    private readonly TaskCompletionSource _servingEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenRegistration _onStopping;
    private ITimer? _timer;
    private volatile bool _stopping;

    public GracefulShutdown(IOptions<ShutdownOptions> options, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<GracefulShutdown> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _onStopping = lifetime.ApplicationStopping.Register(Begin);
    }

    /// <summary>True from the moment the process was asked to stop.</summary>
    public bool IsStopping => _stopping;

    /// <summary>
    /// Completes when the not-ready-but-serving delay is over and the listener is about to close. Asking
    /// starts the stop if nothing has yet: a host stopped directly calls the services' StoppingAsync before it
    /// raises <see cref="IHostApplicationLifetime.ApplicationStopping"/>, so the services must not wait for each other.
    /// </summary>
    public Task WhenServingEnded()
    {
        Begin();
        return _servingEnded.Task;
    }

    /// <summary>Cancelled once the drain timeout has passed: in-flight work still running must end now.</summary>
    public CancellationToken DrainDeadline => _drain.Token;

    private void Begin()
    {
        if (_stopping) return;
        _stopping = true;
        if (_options.DrainsRequests) LogStopping(_options.Delay.TotalSeconds, _options.DrainTimeout.TotalSeconds);
        else LogStoppingWithoutDrain(_options.Delay.TotalSeconds, _options.StopTimeout.TotalSeconds);
        _timer = _time.CreateTimer(_ => EndServing(), null, _options.Delay, Timeout.InfiniteTimeSpan);
    }

    private void EndServing()
    {
        if (!_servingEnded.TrySetResult()) return;
        var delayTimer = _timer;
        _timer = _time.CreateTimer(_ => _drain.Cancel(), null, _options.DrainTimeout, Timeout.InfiniteTimeSpan);
        delayTimer?.Dispose();
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Begin();
        try
        {
            await WhenServingEnded().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            EndServing(); // the host's own stop budget ran out first
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _onStopping.Dispose();
        _timer?.Dispose();
        _drain.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "stopping: not ready now, serving for {DelaySeconds} s more, then draining in-flight requests for up to {DrainSeconds} s")]
    private partial void LogStopping(double delaySeconds, double drainSeconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "stopping: not ready now, serving for {DelaySeconds} s more, then stopping within {StopSeconds} s")]
    private partial void LogStoppingWithoutDrain(double delaySeconds, double stopSeconds);
}
