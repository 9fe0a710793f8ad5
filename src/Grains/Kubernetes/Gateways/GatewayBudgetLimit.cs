namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// A token budget as an Envoy rate-limit rule: the largest of Day, Hour, Minute, Second that fits in the window, and
/// the tokens of one such unit, <c>floor(maxTokens × unitSeconds / windowSeconds)</c>, at least 1. Envoy counts each
/// response's total tokens against it.
/// </summary>
public sealed record GatewayBudgetLimit(string Unit, long Requests)
{
    /// <summary>The most an Envoy Gateway rate limit counts per unit.</summary>
    public const long MaxRequests = uint.MaxValue;

    /// <summary>The window a budget has when it names none.</summary>
    public const int DefaultWindowSeconds = 3600;

    private static readonly (string Unit, long Seconds)[] _units = [("Day", 86_400), ("Hour", 3_600), ("Minute", 60), ("Second", 1)];

    public static GatewayBudgetLimit Of(long maxTokens, int windowSeconds)
    {
        var window = Math.Max(1, windowSeconds);
        var (unit, seconds) = _units.First(u => u.Seconds <= window);
        var requests = (long)Math.Floor((decimal)maxTokens * seconds / window);
        return new GatewayBudgetLimit(unit, Math.Max(1, requests));
    }
}
