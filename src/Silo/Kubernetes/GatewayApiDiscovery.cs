using System.Collections.Concurrent;
using k8s;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.Silo.Kubernetes;

/// <inheritdoc cref="IGatewayApiDiscovery"/>
/// <remarks>
/// Reads <c>/apis/&lt;group&gt;/&lt;version&gt;</c> (discovery, which every authenticated client may read). A served kind is
/// remembered for good; a missing group-version is asked again at most once per <see cref="NegativeTtl"/>, so many
/// routers waiting at once cost one request. Other failures (the API server unreachable) are thrown to be retried.
/// </remarks>
public sealed partial class GatewayApiDiscovery(IKubernetes client, TimeProvider time, ILogger<GatewayApiDiscovery> logger) : IGatewayApiDiscovery
{
    /// <summary>How long a negative answer is reused.</summary>
    public static readonly TimeSpan NegativeTtl = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<ResourceKind, bool> _served = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlySet<string> Plurals)> _recent = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ResourceKind>> MissingAsync(IReadOnlyList<ResourceKind> kinds, CancellationToken cancellationToken = default)
    {
        var missing = new List<ResourceKind>();
        foreach (var group in kinds.Where(k => !_served.ContainsKey(k)).GroupBy(k => k.ApiVersion))
        {
            var plurals = await ServedAsync(group.First(), cancellationToken);
            foreach (var kind in group)
            {
                if (plurals.Contains(kind.Plural))
                {
                    if (_served.TryAdd(kind, true)) LogServed(kind.ToString());
                }
                else missing.Add(kind);
            }
        }
        return [.. kinds.Where(missing.Contains)];
    }

    private async Task<IReadOnlySet<string>> ServedAsync(ResourceKind kind, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_recent.TryGetValue(kind.ApiVersion, out var cached) && now - cached.At < NegativeTtl) return cached.Plurals;
        HashSet<string> plurals;
        try
        {
            var list = await client.CustomObjects.GetAPIResourcesAsync(kind.Group, kind.Version, cancellationToken);
            plurals = [.. (list?.Resources ?? []).Select(r => r.Name).Where(n => !n.Contains('/', StringComparison.Ordinal))];
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            plurals = [];
        }
        _recent[kind.ApiVersion] = (now, plurals);
        return plurals;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "the API server serves {Kind}: gateway mode can write it")]
    private partial void LogServed(string kind);
}
