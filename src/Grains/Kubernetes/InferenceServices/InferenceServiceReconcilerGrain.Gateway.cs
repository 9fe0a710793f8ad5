using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Validation;
using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

// spec.endpoint.gateway: the service exposed as one model on an installed Envoy AI Gateway. Switched off, what it
// generated is removed (its status remembers across activations that it was exposed).
public sealed partial class InferenceServiceReconcilerGrain
{
    private GatewayCrdGate? _gatewayCrds;
    private GatewayOutcome? _gatewayOutcome;
    private string? _gatewayWarned;
    private ITimer? _gatewayTimer;

    public Task GatewayDue() => _observed is null ? Task.CompletedTask : ReconcileAsync();

    /// <summary>Exposes, or stops exposing, the service; false when writing failed and should be retried.</summary>
    private async Task<bool> ExposeAsync(InferenceServiceObservation observed, IReadOnlyList<FieldError> invalid)
    {
        var service = observed.Service;
        var ns = service.Metadata.NamespaceOrDefault;
        var selector = InferenceServiceExposure.Factory(service).Selector;
        SetGatewayTimer(null);
        if (!InferenceServiceExposure.Wanted(service))
        {
            if (service.Status?.Gateway is not null || _gatewayOutcome is not null)
            {
                await GatewayApply.ApplyAndPruneAsync(writer, [], GatewayKinds.ForInferenceService, ns, selector);
                LogExposure(Key, "switched off: its gateway objects are removed");
            }
            _gatewayOutcome = null;
            return true;
        }
        if (invalid.Count > 0)
        {
            await GatewayNotReadyAsync(service, GatewayReasons.SpecInvalid, "not exposed until the spec is valid", null, null);
            return true;
        }

        var exposure = InferenceServiceExposure.Build(service);
        try
        {
            _gatewayCrds ??= new GatewayCrdGate(discovery, gatewayMode);
            var missing = await _gatewayCrds.MissingAsync(GatewayKinds.ForInferenceService, clock.Now);
            if (missing.Count > 0)
            {
                await GatewayNotReadyAsync(service, GatewayReasons.CrdsNotInstalled, _gatewayCrds.Message(missing), exposure.Endpoint, exposure.ModelName);
                SetGatewayTimer(_gatewayCrds.RecheckAt);
                return true;
            }
            // Always the same three names: nothing to prune while exposed.
            foreach (var manifest in exposure.Objects) await writer.ApplyObjectAsync(manifest.Kind, manifest.Object);
            var message = $"model \"{exposure.ModelName}\" exposed via {exposure.Endpoint}";
            if (_gatewayOutcome?.Ready != true || _gatewayOutcome.Message != message)
                await writer.EventAsync(Regarding(service), "Normal", GatewayReasons.Exposed, message);
            _gatewayOutcome = new GatewayOutcome(true, GatewayReasons.Exposed, message, exposure.Endpoint, exposure.ModelName);
            _gatewayWarned = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogExposure(Key, "failed, retrying: " + ex.Message);
            await GatewayNotReadyAsync(service, GatewayReasons.ReconcileFailed, ex.Message, exposure.Endpoint, exposure.ModelName);
            return false;
        }
    }

    private async Task GatewayNotReadyAsync(InferenceService service, string reason, string message, string? endpoint, string? model)
    {
        _gatewayOutcome = GatewayOutcome.NotReady(reason, message, endpoint) with { ModelName = model };
        var key = reason == GatewayReasons.CrdsNotInstalled ? $"{service.Metadata.Generation}/{reason}" : $"{service.Metadata.Generation}/{reason}/{message}";
        if (key == _gatewayWarned || reason == GatewayReasons.SpecInvalid) return;
        await writer.EventAsync(Regarding(service), "Warning", reason, Truncate(message));
        _gatewayWarned = key;
    }

    private void SetGatewayTimer(DateTimeOffset? due)
    {
        _gatewayTimer?.Dispose();
        _gatewayTimer = null;
        if (due is not { } at) return;
        var delay = at - clock.Now;
        _gatewayTimer = clock.Time.CreateTimer(static state => ((IInferenceServiceReconcilerGrain)state!).GatewayDue().Ignore(),
            this.AsReference<IInferenceServiceReconcilerGrain>(), delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private static ObjectReferenceFacts Regarding(InferenceService service)
        => new(KubeNames.ApiVersion, InferenceService.KindName, service.Metadata.NamespaceOrDefault, service.Metadata.Name!, service.Metadata.Uid);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "InferenceService {Service}: gateway exposure {What}")]
    private partial void LogExposure(string service, string what);
}
