namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>How often a router or service waiting for the gateway CRDs looks again: doubling from <paramref name="InitialRecheck"/> up to <paramref name="MaxRecheck"/>.</summary>
public sealed record GatewayModeSettings(TimeSpan InitialRecheck, TimeSpan MaxRecheck)
{
    public static GatewayModeSettings Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2));
}
