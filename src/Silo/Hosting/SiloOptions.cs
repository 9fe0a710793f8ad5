namespace LLMKube.Silo.Hosting;

/// <summary>Silo host configuration, bound from the <c>Silo</c> section and the command-line short forms.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (gateways, Mac agents) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address advertised to the cluster; 127.0.0.1 for local development, the pod IP in Kubernetes.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>A YAML/JSON file or directory of resources (until the Kubernetes controller lands).</summary>
    public string? Resources { get; set; }
}
