using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Hosting;

/// <summary>
/// Wiring every LLMKube process shares: configuration sources, console logging (text or JSON, on stderr so
/// stdout stays the audit stream), graceful shutdown, and the <c>/healthz</c> and <c>/readyz</c> endpoints.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>The environment-variable prefix of every setting, e.g. <c>LLMKUBE_Cluster__Redis</c>.</summary>
    public const string EnvironmentPrefix = "LLMKUBE_";

    /// <summary>The console log format: <c>simple</c> (text, the default) or <c>json</c>; <c>--log-format</c> sets it.</summary>
    public const string FormatterKey = "Logging:Console:FormatterName";

    /// <summary>
    /// Adds the shared defaults. Precedence, highest first: <paramref name="settings"/> (the command line's
    /// short forms), <c>--Section:Key=value</c> tokens in <paramref name="args"/>, <c>LLMKUBE_</c> environment
    /// variables, appsettings. <paramref name="drainsRequests"/>: the process relays client requests, which
    /// <c>Shutdown:DrainTimeout</c> lets finish on SIGTERM (the gateway).
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string[] args, IDictionary<string, string?> settings,
        bool drainsRequests)
    {
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        builder.Configuration.AddCommandLine(args);
        builder.Configuration.AddInMemoryCollection(settings);

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        // After every Configure: the slim builder's own AddSimpleConsole sets the formatter after the configuration is
        // bound, so Logging:Console:FormatterName (the --log-format flag) is applied here, with text as the default.
        builder.Services.AddOptions<ConsoleLoggerOptions>().PostConfigure<IConfiguration>((o, configuration) =>
        {
            o.FormatterName = configuration[FormatterKey] is { Length: > 0 } name ? name : ConsoleFormatterNames.Simple;
            o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        // Relaxed escaping: a log line is JSON for a pipeline, not HTML, so "+00:00" need not read "\u002B00:00".
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat = "O";
            o.UseUtcTimestamp = true;
            o.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Error);
        // Start-up failures are reported by HostRunner as one line; the host would log them again with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // With this category enabled at any level, ASP.NET Core starts an Activity and a logging scope for every
        // request, only to correlate its per-request logs, which nothing here reads: a cost on the request path.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ShutdownOptions>().Bind(builder.Configuration.GetSection(ShutdownOptions.Section))
            .Configure(o => o.DrainsRequests = drainsRequests)
            .Validate(o => o.Delay >= TimeSpan.Zero && o.DrainTimeout >= TimeSpan.Zero && o.StopTimeout >= TimeSpan.Zero,
                "Shutdown:Delay, Shutdown:DrainTimeout and Shutdown:StopTimeout must not be negative")
            .ValidateOnStart();
        // The host's stop budget covers the delay, the drain and a clean stop of the rest; past it the host gives up
        // (and HostRunner exits without waiting for services that ignore the host's cancellation).
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Budget);
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());
        return builder;
    }

    /// <summary>Liveness: the process answers.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Readiness: <see cref="IReadinessCheck"/>.</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>The answer of <see cref="HealthPath"/>.</summary>
    public static IResult Healthy { get; } = Results.Text("{\"status\":\"ok\"}", "application/json");

    /// <summary>Maps <c>GET /healthz</c> (the process is alive) and <c>GET /readyz</c> (<see cref="IReadinessCheck"/>).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapGet(HealthPath, () => Healthy);
        app.MapGet(ReadyPath, (IReadinessCheck readiness) => readiness.Check());
        return app;
    }
}
