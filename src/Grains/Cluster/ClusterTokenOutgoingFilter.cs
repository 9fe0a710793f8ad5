using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Cluster;

/// <summary>Attaches the cluster token to every outgoing grain call (clients and silos alike).</summary>
public sealed class ClusterTokenOutgoingFilter(IOptions<ClusterSettings> options) : IOutgoingGrainCallFilter
{
    private readonly string? _token = options.Value.Token;

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!string.IsNullOrEmpty(_token)) RequestContext.Set(ClusterSettings.TokenKey, _token);
        return context.Invoke();
    }
}
