using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Observability;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Validation;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <inheritdoc cref="IInferenceServiceReconcilerGrain"/>
/// <remarks>
/// Not persisted: every silo relists and reports again, so the grain rebuilds from the next observation, starting
/// from the conditions and phase already in the object's status (so a re-activation neither moves transition times
/// nor repeats events). A grain timer retries failed writes and keeps the activation alive; a timer on the routing
/// clock fires when a metal service's agent heartbeat expires.
/// </remarks>
public sealed partial class InferenceServiceReconcilerGrain(
    IKubernetesWriter writer,
    InferenceServiceSettings settings,
    RoutingClock clock,
    IGatewayApiDiscovery discovery,
    GatewayModeSettings gatewayMode,
    ILogger<InferenceServiceReconcilerGrain> logger) : Grain, IInferenceServiceReconcilerGrain
{
    /// <summary>How often a failed reconcile is retried (the timer also keeps the activation, and its heartbeat timer, alive).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(20);

    private InferenceServiceObservation? _observed;
    private string? _reconciled;
    private string? _writtenStatus;
    private IReadOnlyList<KubeCondition>? _conditions;
    private string? _phase;
    private string? _failure;
    private string? _scheduling;
    private bool _seeded;
    private IGrainTimer? _retry;
    private ITimer? _heartbeatTimer;
    private DateTimeOffset? _heartbeatExpiry;

    public async Task Observe(InferenceServiceObservation observation)
    {
        var due = observation.Fingerprint != _observed?.Fingerprint || _reconciled is null;
        _observed = observation;
        if (!_seeded) Seed(observation.Service.Status);
        _retry ??= this.RegisterGrainTimer(static (self, _) => self.RetryAsync(), this,
            new GrainTimerCreationOptions(RetryInterval, RetryInterval) { KeepAlive = true });
        if (due) await ReconcileAsync();
    }

    public async Task HeartbeatExpired()
    {
        _heartbeatExpiry = null;
        if (_observed is null || _reconciled is null) return;
        try
        {
            var invalid = InferenceServiceValidator.Validate(_observed.Service);
            await DecideAsync(_observed, invalid, Plan(_observed, invalid));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _reconciled = null;
            LogReconcileFailed(Key, ex.Message);
        }
    }

    public Task Deleted()
    {
        _retry?.Dispose();
        _retry = null;
        SetHeartbeatTimer(null);
        SetGatewayTimer(null);
        _observed = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        SetHeartbeatTimer(null);
        SetGatewayTimer(null);
        return Task.CompletedTask;
    }

    private string Key => this.GetPrimaryKeyString();

    private Task RetryAsync() => _observed is not null && _reconciled is null ? ReconcileAsync() : Task.CompletedTask;

    private async Task ReconcileAsync()
    {
        var observed = _observed!;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var invalid = InferenceServiceValidator.Validate(observed.Service);
            var plan = Plan(observed, invalid);
            // Objects are written once the Model is Ready and the spec deploys; until then, only status.
            if (plan is { Failure: null } && observed.Model?.Status?.Phase == PhaseDecision.Ready) await ApplyAsync(observed, plan);
            var exposed = await ExposeAsync(observed, invalid);
            await DecideAsync(observed, invalid, plan);
            _reconciled = exposed ? observed.Fingerprint : null;
            ControlPlaneMetrics.Reconciled(InferenceService.KindName, started, failed: false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The retry timer and the next observation try again.
            _reconciled = null;
            ControlPlaneMetrics.Reconciled(InferenceService.KindName, started, failed: true);
            LogReconcileFailed(Key, ex.Message);
        }
    }

    private WorkloadPlan? Plan(InferenceServiceObservation observed, IReadOnlyList<FieldError> invalid)
        => invalid.Count == 0 && observed.Model is { } model ? WorkloadBuilder.Build(observed.Service, model, settings) : null;

    private async Task ApplyAsync(InferenceServiceObservation observed, WorkloadPlan plan)
    {
        var ns = observed.Service.Metadata.NamespaceOrDefault;
        var name = observed.Service.Metadata.Name!;
        if (plan.Deployment is { } deployment) await writer.ApplyAsync(deployment);
        else if (observed.Deployment is not null) await writer.DeleteAsync("Deployment", ns, name);
        if (plan.Service is { } service) await writer.ApplyAsync(service);
        if (plan.Autoscaler is { } autoscaler) await writer.ApplyAsync(autoscaler);
        else if (observed.AutoscalerExists) await writer.DeleteAsync("HorizontalPodAutoscaler", ns, name);
        LogApplied(Key, plan.Metal ? "Service (metal)" : plan.Autoscaler is null ? "Deployment, Service" : "Deployment, Service, HorizontalPodAutoscaler");
    }

    private async Task DecideAsync(InferenceServiceObservation observed, IReadOnlyList<FieldError> invalid, WorkloadPlan? plan)
    {
        var service = observed.Service;
        var spec = service.Spec ?? new InferenceServiceSpec();
        var now = clock.Now;
        var metal = plan?.Metal == true ? MetalReadiness.Evaluate(observed.Slices, now, settings.HeartbeatTimeout) : null;
        var suspended = spec.Suspend == true;
        var desired = suspended || spec.Replicas == 0 ? 0
            : spec.Autoscaling is { } autoscaling && metal is null ? observed.Deployment?.SpecReplicas ?? autoscaling.MinReplicas ?? 1
            : spec.Replicas ?? 1;
        var ready = metal?.Ready ?? observed.Deployment?.ReadyReplicas ?? 0;
        var decision = PhaseDecision.Decide(new PhaseInputs(
            spec.ModelRef ?? "", [.. invalid.Select(e => e.ToString())], observed.Model is not null, observed.Model?.Status?.Phase, plan?.Failure, suspended, desired, ready, metal));
        var modelReady = observed.Model?.Status?.Phase == PhaseDecision.Ready;
        var status = InferenceServiceStatusBuilder.Build(service, decision, desired, ready, modelReady, _conditions, now, _gatewayOutcome);
        var text = status.Status.ToJsonString();
        if (text != _writtenStatus)
        {
            await writer.ApplyStatusAsync(InferenceService.KindName, "inferenceservices", service.Metadata.NamespaceOrDefault, service.Metadata.Name!, status.Status);
            _writtenStatus = text;
            _conditions = status.Conditions;
        }
        await RecordEventsAsync(service, decision);
        SetHeartbeatTimer(metal?.StaleAt);
    }

    // What an operator must see: why it failed, when it became ready, when its Mac agent went quiet.
    private async Task RecordEventsAsync(InferenceService service, PhaseDecision decision)
    {
        var regarding = new ObjectReferenceFacts(KubeNames.ApiVersion, InferenceService.KindName, service.Metadata.NamespaceOrDefault, service.Metadata.Name!, service.Metadata.Uid);
        var failure = decision.Phase == PhaseDecision.Failed ? $"{decision.Reason}: {decision.Message}" : null;
        if (failure is not null && failure != _failure)
            await writer.EventAsync(regarding, "Warning", decision.Reason, Truncate(decision.Message));
        if (decision.Phase == PhaseDecision.Ready && _phase != PhaseDecision.Ready)
            await writer.EventAsync(regarding, "Normal", "Ready", $"{decision.Message}; serving at {WorkloadBuilder.Endpoint(service)}");
        if (decision.SchedulingStatus == MetalReadiness.HeartbeatStale && _scheduling != MetalReadiness.HeartbeatStale)
            await writer.EventAsync(regarding, "Warning", MetalReadiness.HeartbeatStale, Truncate(decision.SchedulingMessage ?? ""));
        if (decision.Phase != _phase) LogPhase(Key, _phase ?? "none", decision.Phase, decision.Reason);
        _failure = failure;
        _phase = decision.Phase;
        _scheduling = decision.SchedulingStatus;
    }

    // Starts from what the object's status already says, so a new activation continues rather than restarts.
    private void Seed(InferenceServiceStatus? status)
    {
        _seeded = true;
        _phase = status?.Phase;
        _scheduling = status?.SchedulingStatus;
        var conditions = status?.Conditions ?? [];
        _conditions = [.. conditions.Where(c => c.Type is not null && c.Status is not null).Select(c => new KubeCondition(
            c.Type!, c.Status!, c.Reason ?? "", c.Message ?? "", c.LastTransitionTime ?? default, c.ObservedGeneration ?? 0))];
        if (status?.Phase == PhaseDecision.Failed && conditions.FirstOrDefault(c => c.Type == "Degraded") is { } degraded)
            _failure = $"{degraded.Reason}: {degraded.Message}";
    }

    private void SetHeartbeatTimer(DateTimeOffset? expiry)
    {
        if (expiry == _heartbeatExpiry && (_heartbeatTimer is not null || expiry is null)) return;
        _heartbeatTimer?.Dispose();
        _heartbeatTimer = null;
        _heartbeatExpiry = expiry;
        if (expiry is not { } at) return;
        var due = at - clock.Now;
        // The callback runs outside the grain: it only calls the grain through its reference.
        _heartbeatTimer = clock.Time.CreateTimer(static state => ((IInferenceServiceReconcilerGrain)state!).HeartbeatExpired().Ignore(),
            this.AsReference<IInferenceServiceReconcilerGrain>(), due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    // An event note is at most 1 KiB.
    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..997] + "...";

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "InferenceService {Service}: reconcile failed, retrying: {Reason}")]
    private partial void LogReconcileFailed(string service, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "InferenceService {Service}: applied {Objects}")]
    private partial void LogApplied(string service, string objects);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "InferenceService {Service}: phase {From} -> {To} ({Reason})")]
    private partial void LogPhase(string service, string from, string to, string reason);
}
