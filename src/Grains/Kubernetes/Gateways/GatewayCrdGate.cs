namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// One router's or service's wait for the gateway CRDs: asks discovery on every reconcile and, while kinds are
/// missing, says when to look again, doubling the wait up to the configured maximum, so an install is noticed without
/// a restart and a cluster without the gateway sees no hot loop.
/// </summary>
public sealed class GatewayCrdGate(IGatewayApiDiscovery discovery, GatewayModeSettings settings)
{
    private int _misses;

    /// <summary>When to check again while kinds are missing; null once they are all served.</summary>
    public DateTimeOffset? RecheckAt { get; private set; }

    public async Task<IReadOnlyList<ResourceKind>> MissingAsync(IReadOnlyList<ResourceKind> kinds, DateTimeOffset now)
    {
        var missing = await discovery.MissingAsync(kinds);
        if (missing.Count == 0)
        {
            _misses = 0;
            RecheckAt = null;
            return missing;
        }
        var wait = TimeSpan.FromTicks(Math.Min(settings.MaxRecheck.Ticks, settings.InitialRecheck.Ticks << Math.Min(_misses, 20)));
        _misses++;
        RecheckAt = now + wait;
        return missing;
    }

    /// <summary>The <c>GatewayCRDsNotInstalled</c> message: what is missing and how soon it is looked up again (the same on every look, so status does not churn).</summary>
    public string Message(IReadOnlyList<ResourceKind> missing)
        => $"the API server does not serve {string.Join(", ", missing)}: install Envoy Gateway (v1.8 or later) and Envoy AI Gateway (v0.7 or later); "
           + $"looked up again at least every {EnvoyDuration.Format(settings.MaxRecheck)} and on every change";
}
