namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Which gateway kinds the API server serves, through API discovery (a thin adapter the silo registers). A kind found
/// served stays known; a missing one is looked up again on the next call, so installing the gateway later is noticed
/// without a restart.
/// </summary>
public interface IGatewayApiDiscovery
{
    /// <summary>The kinds of <paramref name="kinds"/> the API server does not serve; empty when all are installed.</summary>
    Task<IReadOnlyList<ResourceKind>> MissingAsync(IReadOnlyList<ResourceKind> kinds, CancellationToken cancellationToken = default);
}
