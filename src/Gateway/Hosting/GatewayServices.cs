using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Health;
using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Hosting;

/// <summary>The data plane's services, the same in both modes.</summary>
internal static class GatewayServices
{
    public static WebApplicationBuilder AddGatewayCore(this WebApplicationBuilder builder, GatewayMode mode)
    {
        var services = builder.Services;
        services.AddSingleton(mode);
        services.AddOptions<GatewayServerOptions>().Bind(builder.Configuration.GetSection(GatewayServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayServerOptions>, GatewayServerOptionsValidator>();
        services.Configure<ClusterSettings>(builder.Configuration.GetSection(ClusterSettings.Section));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The dispatcher enforces the body cap itself, to answer 413 in the OpenAI error shape.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayServerOptions>>((kestrel, gateway) => ApplyClientLimits(kestrel.Limits, gateway.Value));

        services.AddHttpForwarder();
        services.TryAddSingleton(RoutingClock.System);
        services.AddSingleton<GatewayIdentity>();
        services.AddSingleton<RoutingState>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<DeadlinePool>();
        services.AddSingleton<ShadowMirror>();
        services.AddSingleton(sp => new AuditLog(AuditOutput(sp.GetRequiredService<IOptions<GatewayServerOptions>>().Value.AuditLog),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditLog>>()));
        services.AddHostedService<AuditTarget>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<RoutingTableSubscriber>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingTableSubscriber>());
        services.AddHostedService<HealthCheckMonitor>();
        services.AddSingleton<IReadinessCheck, GatewayReadiness>();
        return builder;
    }

    /// <summary>
    /// Kestrel's limits against abusive clients, set explicitly so they are documented and configurable.
    /// Header limits keep Kestrel's defaults (100 headers, 32 KiB in total, 8 KiB request line): OpenAI SDKs
    /// send about 15 headers and under 2 KiB, and the limits bound what one connection can make the server
    /// buffer before the request reaches the dispatcher. The headers timeout is shortened from 30 s to 10 s,
    /// counted from the first byte of a request, so a slow-loris client holds a connection for 10 s at most.
    /// The body rate keeps Kestrel's 240 B/s after a 5 s grace: far below any real client, yet a body trickled
    /// byte by byte fails within seconds (the dispatcher answers 408) instead of holding a pooled buffer.
    /// Idle connections (no request begun) stay under Kestrel's 130 s KeepAliveTimeout; connections are not capped.
    /// </summary>
    private static void ApplyClientLimits(KestrelServerLimits limits, GatewayServerOptions options)
    {
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = options.MaxRequestLineSize;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = options.MinRequestBodyDataRate > 0
            ? new MinDataRate(options.MinRequestBodyDataRate, options.MinRequestBodyDataRateGracePeriod)
            : null;
    }

    private static Stream AuditOutput(string target) => target switch
    {
        "stdout" or "" => Console.OpenStandardOutput(),
        "none" => Stream.Null,
        _ => new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.ReadWrite),
    };
}
