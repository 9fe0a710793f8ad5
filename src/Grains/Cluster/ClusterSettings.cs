using StackExchange.Redis;

namespace LLMKube.Grains.Cluster;

/// <summary>
/// An LLMKube Orleans cluster: its identity, its Redis, and the shared token every client presents on
/// each grain call and every silo requires. Bound from the <c>Cluster</c> section
/// (<c>LLMKUBE_Cluster__Token</c>, normally from a Kubernetes Secret); shared by silos and clients.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    /// <summary>The key carrying the token in the Orleans request context.</summary>
    public const string TokenKey = "llmkube-cluster-token";

    /// <summary>Redis for membership and grain state, <c>host:port</c> (StackExchange.Redis syntax).</summary>
    public string? Redis { get; set; }

    public string ClusterId { get; set; } = "llmkube";

    public string ServiceId { get; set; } = "llmkube";

    /// <summary>The cluster token; when unset, silos accept every caller (and log that they do).</summary>
    public string? Token { get; set; }

    /// <summary>Redis connection settings that ride out a Redis restart instead of failing the process.</summary>
    public ConfigurationOptions RedisConfiguration()
    {
        var options = ConfigurationOptions.Parse(Redis ?? throw new InvalidOperationException("Cluster:Redis is not set"));
        options.AbortOnConnectFail = false;
        options.ConnectRetry = 5;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        return options;
    }
}
