using LLMKube.Grains.Cluster;
using Orleans.Configuration;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Cluster mode: the gateway is an Orleans client that finds silos through Redis membership and
/// presents the cluster token on every call. Grain calls are short-fused so a lost cluster can never
/// hold a request: routing continues from the last snapshot with the local breaker.
/// </summary>
internal static partial class ClusterClientHosting
{
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var redis = cluster.RedisConfiguration();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = cluster.ServiceId; });
            client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
            client.AddOutgoingGrainCallFilter<ClusterTokenOutgoingFilter>();
            // Grain calls carry the caller's trace context; free while no tracer listens.
            client.AddActivityPropagation();
            client.UseConnectionRetryFilter<RetryUntilConnected>();
        });
        // Listen (and answer /healthz, /readyz: not_ready) while the client is still looking for the cluster.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        return builder;
    }

    /// <summary>Keeps trying to reach the cluster at start-up instead of failing the gateway.</summary>
    private sealed partial class RetryUntilConnected(TimeProvider time, ILogger<RetryUntilConnected> logger) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogRetry(exception);
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "cluster not reachable yet, retrying")]
        private partial void LogRetry(Exception exception);
    }
}
