using LLMKube.Grains.Backends;
using LLMKube.Gateway.Audit;
using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Errors;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Resources;
using LLMKube.Gateway.Routing;
using LLMKube.Grains;
using LLMKube.Grains.Cluster;
using LLMKube.Grains.Resources;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Composition of the gateway process: services, then either a co-hosted silo fed from resource files
/// (standalone) or an Orleans client of a Redis-membership cluster, and the HTTP surface.
/// </summary>
public static class GatewayApp
{
    /// <summary>The OpenAI endpoints that are routed; the upstream path mirrors the inbound one.</summary>
    public static readonly string[] RoutedPaths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];

    /// <summary>Builds the application. <paramref name="configure"/> lets tests replace services (clock, audit output).</summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddEnvironmentVariables("LLMKUBE_");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The dispatcher enforces the body cap itself, to answer 413 in the OpenAI error shape.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Error);

        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .PostConfigure(o => { if (o.Router is { } name && !name.Contains('/')) o.Router = "default/" + name; });
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) => ApplyClientLimits(kestrel.Limits, gateway.Value));
        builder.Services.AddOptions<ResourceSyncOptions>().Configure<IOptions<GatewayOptions>>((sync, gateway) =>
        {
            sync.Path = gateway.Value.Resources;
            sync.Debounce = gateway.Value.ReloadDebounce;
        });
        builder.Services.Configure<ClusterSettings>(builder.Configuration.GetSection(ClusterSettings.Section));
        builder.Services.AddGatewayServices();
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var standalone = string.IsNullOrWhiteSpace(cluster.Redis);
        builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.Standalone)}"] = standalone ? "true" : "false";
        if (standalone)
        {
            builder.AddStandaloneSilo();
        }
        else
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.Router)}"]))
                throw new OptionsValidationException(GatewayOptions.Section, typeof(GatewayOptions), ["--router <namespace>/<name> is required in cluster mode (--redis)"]);
            builder.AddClusterClient(cluster);
            // Listen (and answer /healthz, /readyz: not_ready) while the client is still looking for the cluster.
            builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        }
        configure?.Invoke(builder);
        // After the silo, so the resources are applied to a running silo before the subscriber starts.
        if (standalone) builder.Services.AddHostedService(sp => sp.GetRequiredService<ResourceSync>());
        builder.Services.AddSingleton<RoutingTableSubscriber>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoutingTableSubscriber>());
        builder.Services.AddHostedService<Health.HealthCheckMonitor>();

        var app = builder.Build();
        app.MapGatewayEndpoints();
        return app;
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
    private static void ApplyClientLimits(KestrelServerLimits limits, GatewayOptions options)
    {
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = options.MaxRequestLineSize;
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = options.MinRequestBodyDataRate > 0
            ? new MinDataRate(options.MinRequestBodyDataRate, options.MinRequestBodyDataRateGracePeriod)
            : null;
    }

    private static IServiceCollection AddGatewayServices(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(RoutingClock.System);
        services.AddSingleton<GatewayIdentity>();
        services.AddSingleton<RoutingState>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<ShadowMirror>();
        services.AddSingleton<ResourceSync>();
        services.AddSingleton<IResourceConsumer, GatewayResources>();
        services.AddSingleton(sp => new AuditLog(AuditOutput(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.AuditLog), TimeProvider.System));
        services.AddSingleton<Dispatcher>();
        return services;
    }

    private static Stream AuditOutput(string target) => target switch
    {
        "stdout" or "" => Console.OpenStandardOutput(),
        "none" => Stream.Null,
        _ => new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.ReadWrite),
    };

    private static void MapGatewayEndpoints(this WebApplication app)
    {
        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        foreach (var path in RoutedPaths)
        {
            app.Map(path, context => HttpMethods.IsPost(context.Request.Method)
                ? dispatcher.HandleAsync(context)
                : MethodNotAllowed(context, "POST"));
        }
        var routing = app.Services.GetRequiredService<RoutingState>();
        app.Map("/v1/models", context =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                return MethodNotAllowed(context, "GET, HEAD");
            if (routing.Current is not { } plan)
                return OpenAIError.WriteAsync(context, 503, "not_ready", "the gateway has not loaded its routing configuration yet");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = plan.ModelsJson.Length;
            return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(plan.ModelsJson).AsTask();
        });
        app.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        app.MapGet("/readyz", (IOptions<GatewayOptions> options, RoutingClock clock) => Readiness(routing, options.Value, clock.Now));
        app.MapFallback(context => OpenAIError.WriteAsync(context, 404, "not_found",
            $"unknown path {context.Request.Method} {context.Request.Path}; this gateway serves /v1/chat/completions, /v1/completions, /v1/embeddings and /v1/models"));
    }

    // Degraded still answers 200: a gateway that lost the cluster keeps routing from its last snapshot,
    // and taking every replica out of the Service would turn a control-plane outage into a data-plane one.
    private static IResult Readiness(RoutingState routing, GatewayOptions options, DateTimeOffset now)
    {
        if (routing.Current is not { } plan)
            return Results.Json(new ReadyStatus("not_ready", options.Router ?? "", 0, null), GatewayJsonContext.Default.ReadyStatus, statusCode: 503);
        var age = now - routing.LastContact;
        var degraded = !options.Standalone && age > options.DegradedAfter;
        return Results.Json(new ReadyStatus(degraded ? "degraded" : "ready", plan.Config.Router.ToString(), plan.Snapshot.Version,
            degraded ? (long)age.TotalSeconds : null), GatewayJsonContext.Default.ReadyStatus);
    }

    private static Task MethodNotAllowed(HttpContext context, string allow)
    {
        return OpenAIError.WriteAsync(context, 405, "method_not_allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}; use {allow}", allow: allow);
    }
}
