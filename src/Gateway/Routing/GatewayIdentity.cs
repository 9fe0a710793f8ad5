namespace LLMKube.Gateway.Routing;

/// <summary>This gateway's identity as a reporter and as a probe or health-check lease holder.</summary>
public sealed class GatewayIdentity
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
