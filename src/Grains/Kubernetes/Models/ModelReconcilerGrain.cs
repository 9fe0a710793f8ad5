using LLMKube.Grains.Api;
using LLMKube.Grains.Models;
using LLMKube.Grains.Observability;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Kubernetes.Models;

/// <inheritdoc cref="IModelReconcilerGrain"/>
/// <remarks>
/// Not persisted: every silo relists and reports again, and a header read settled before a restart is recognised from
/// the status conditions. The GGUF header of an http(s) source is read off the grain's scheduler (so neither the grain
/// nor the watch waits on the network) and comes back as a <see cref="HeaderRead"/> message, once per source and generation.
/// </remarks>
public sealed partial class ModelReconcilerGrain(
    IKubernetesWriter writer,
    IModelHeaderReader reader,
    ModelSourcePolicy policy,
    TimeProvider time,
    ILogger<ModelReconcilerGrain> logger) : Grain, IModelReconcilerGrain
{
    /// <summary>How long after a failed status write the grain tries again (the next observation retries too).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(20);

    private ModelObservation? _observed;
    private IReadOnlyList<KubeCondition>? _conditions;
    private (string Source, long Generation, HeaderProbe Probe)? _header;
    private (string Source, long Generation)? _reading;
    private CancellationTokenSource? _readCancel;
    private string? _reconciled;
    private string? _writtenStatus;
    private IGrainTimer? _retry;

    public async Task Observe(ModelObservation observation)
    {
        if (observation.Model.Metadata.Uid != _observed?.Model.Metadata.Uid) Forget();
        var due = observation.Fingerprint != _observed?.Fingerprint || _reconciled is null;
        _observed = observation;
        if (due) await ReconcileAsync();
    }

    public async Task HeaderRead(string source, long generation, HeaderProbe probe)
    {
        if (_reading == (source, generation)) _reading = null;
        if (_observed is not { } observed || observed.Model.Spec?.Source != source || (observed.Model.Metadata.Generation ?? 0) != generation) return;
        _header = (source, generation, probe);
        await ReconcileAsync();
    }

    public Task Deleted()
    {
        Forget();
        _observed = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _readCancel?.Cancel();
        return Task.CompletedTask;
    }

    private async Task ReconcileAsync()
    {
        var observed = _observed!;
        var model = observed.Model;
        var key = this.GetPrimaryKeyString();
        var generation = model.Metadata.Generation ?? 0;
        var header = _header is { } h && h.Source == model.Spec?.Source && h.Generation == generation ? h.Probe : null;
        var previous = _conditions ?? KubeCondition.FromStatus(model.Status?.Conditions);
        var decision = ModelStatusBuilder.Decide(observed, header, policy, previous, time.GetUtcNow());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var text = decision.Status.ToJsonString();
            if (text != _writtenStatus)
            {
                await writer.ApplyStatusAsync(Model.KindName, "models", model.Metadata.NamespaceOrDefault, model.Metadata.Name!, decision.Status);
                _writtenStatus = text;
            }
            var regarding = new ObjectReferenceFacts(KubeNames.ApiVersion, Model.KindName, model.Metadata.NamespaceOrDefault, model.Metadata.Name!, model.Metadata.Uid);
            foreach (var ev in decision.Events) await writer.EventAsync(regarding, ev.Type, ev.Reason, ev.Note);
            _conditions = decision.Conditions;
            _reconciled = observed.Fingerprint;
            _retry?.Dispose();
            _retry = null;
            if (decision.ReadHeader) StartHeaderRead(key, model.Spec!.Source!, generation);
            ControlPlaneMetrics.Reconciled(Model.KindName, started, failed: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _reconciled = null;
            ControlPlaneMetrics.Reconciled(Model.KindName, started, failed: true);
            LogReconcileFailed(key, ex.Message);
            _retry ??= this.RegisterGrainTimer(static (self, _) => self.RetryAsync(), this,
                new GrainTimerCreationOptions(RetryInterval, RetryInterval) { KeepAlive = true });
        }
    }

    private Task RetryAsync() => _observed is not null && _reconciled is null ? ReconcileAsync() : Task.CompletedTask;

    private void StartHeaderRead(string key, string source, long generation)
    {
        if (_reading == (source, generation)) return;
        _readCancel?.Cancel();
        _readCancel = new CancellationTokenSource();
        _reading = (source, generation);
        var cancel = _readCancel.Token;
        var url = ModelSource.Parse(source).Url!;
        var self = this.AsReference<IModelReconcilerGrain>();
        // Off the grain's scheduler: the network wait holds neither this activation nor the watch that called it.
        _ = Task.Run(async () =>
        {
            try
            {
                var probe = await reader.ReadAsync(url, policy, cancel);
                await self.HeaderRead(source, generation, probe);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // A newer generation or the deletion superseded this read.
            }
            catch (Exception ex)
            {
                LogHeaderReadFailed(key, ex);
            }
        }, CancellationToken.None);
    }

    private void Forget()
    {
        _readCancel?.Cancel();
        _readCancel = null;
        _reading = null;
        _header = null;
        _conditions = null;
        _reconciled = null;
        _writtenStatus = null;
        _retry?.Dispose();
        _retry = null;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Model {Model}: reconcile failed, retrying: {Reason}")]
    private partial void LogReconcileFailed(string model, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Model {Model}: the header read could not report back")]
    private partial void LogHeaderReadFailed(string model, Exception exception);
}
