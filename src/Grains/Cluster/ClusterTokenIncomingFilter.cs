using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Cluster;

/// <summary>
/// Rejects calls to LLMKube grains that do not carry the cluster token. Orleans has no TLS package on
/// our feed, so this (plus keeping silo ports inside the cluster network) is what stops a stranger
/// that can reach a silo port from reporting backends dead or reading routing config.
/// </summary>
public sealed partial class ClusterTokenIncomingFilter(IOptions<ClusterSettings> options, ILogger<ClusterTokenIncomingFilter> logger) : IIncomingGrainCallFilter
{
    private readonly byte[]? _expected = string.IsNullOrEmpty(options.Value.Token) ? null : Encoding.UTF8.GetBytes(options.Value.Token);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_expected is null || !IsOurs(context.InterfaceMethod?.DeclaringType)) return context.Invoke();
        var presented = RequestContext.Get(ClusterSettings.TokenKey) as string;
        if (presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected))
            return context.Invoke();
        LogRejected(context.InterfaceMethod?.DeclaringType?.Name ?? "?", context.InterfaceMethod?.Name ?? "?", presented is null ? "no cluster token" : "a wrong cluster token");
        throw new UnauthorizedAccessException("grain call rejected: missing or wrong cluster token (Cluster:Token)");
    }

    private static bool IsOurs(Type? type) => type?.Namespace?.StartsWith("LLMKube.", StringComparison.Ordinal) == true;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "rejected a call to {Grain}.{Method}: the caller presented {Problem}; check Cluster:Token on both sides")]
    private partial void LogRejected(string grain, string method, string problem);
}
