using LLMKube.Grains.Observability;
using LLMKube.Grains.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace LLMKube.Grains.Hosting;

/// <summary>
/// Runs a process's web application to completion and turns start-up failures into one clear line and
/// a distinct exit code. Stopping is the host's job (SIGTERM and Ctrl+C reach its console lifetime), so a
/// graceful stop ends with exit code 0.
/// </summary>
public static partial class HostRunner
{
    /// <summary>The configuration or the resources are invalid; the message says why.</summary>
    public const int ExitInvalid = 2;

    /// <summary>The listen address cannot be bound (in use, or not permitted).</summary>
    public const int ExitCannotListen = 3;

    /// <summary>
    /// Splits the tokens the command line did not recognize into configuration overrides
    /// (<c>--Section:Key=value</c> or <c>--Section:Key value</c>) and unknown options, which are errors.
    /// </summary>
    public static (string[] Configuration, IReadOnlyList<string> Unknown) SplitUnmatched(IReadOnlyList<string> tokens)
    {
        var configuration = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var key = token.StartsWith("--", StringComparison.Ordinal) ? token[2..] : null;
            if (key is null || !key.Contains(':') || key.StartsWith(':'))
            {
                unknown.Add(token);
                continue;
            }
            configuration.Add(token);
            if (!key.Contains('=') && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
                configuration.Add(tokens[++i]);
        }
        return ([.. configuration], unknown);
    }

    /// <summary>Any other failure to start; the message (and, for an unexpected error, its stack) says why.</summary>
    public const int ExitFailed = 1;

    // Time for services that do honour the host's cancellation to finish once the stop budget is over.
    private static readonly TimeSpan _stopGrace = TimeSpan.FromSeconds(1);

    /// <summary>Refuses to start over the command line's problems: each on a line of stderr, and <see cref="ExitInvalid"/>.</summary>
    public static async Task<int> RefuseAsync(IEnumerable<string> problems)
    {
        foreach (var problem in problems) await Console.Error.WriteLineAsync(problem);
        return ExitInvalid;
    }

    /// <summary>Builds and runs the application; returns the process exit code.</summary>
    public static async Task<int> RunAsync(Func<WebApplication> build, Func<IServiceProvider, string> describe)
    {
        WebApplication? app = null;
        try
        {
            app = build();
            var services = app.Services;
            services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => LogListening(services, describe(services)));
            await app.StartAsync();
        }
        catch (Exception ex) when (app is not null && StoppedWhileStarting(app.Services, ex))
        {
            // SIGTERM or Ctrl+C before start-up completed (a cluster client still looking for its cluster): the host
            // cancelled its start because it was asked to stop, which is no failure.
            FlushLog(app.Services);
            return 0;
        }
        catch (Exception ex)
        {
            // The process exits without stopping what did start (a co-hosted silo, a cluster client): stopping a
            // half-started Orleans host only adds warnings to the one line below, and exiting releases it all.
            var (code, message) = Invalid(ex) is { } invalid ? (ExitInvalid, invalid)
                : CannotListen(ex, app?.Services) is { } listen ? (ExitCannotListen, listen)
                : (ExitFailed, $"failed to start: {ex}");
            await Console.Error.WriteLineAsync(message);
            return code;
        }
        await WhenStoppingAsync(app.Services.GetRequiredService<IHostApplicationLifetime>());
        // The host cancels its services' stop at the budget, but not every service honours that at once: Orleans'
        // membership keeps retrying an unreachable Redis for a minute per stage. Past the budget, exit without them.
        var budget = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var stop = app.StopAsync();
        if (await Task.WhenAny(stop, Task.Delay(budget + _stopGrace, app.Services.GetRequiredService<TimeProvider>())) != stop)
        {
            LogStopAbandoned(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LLMKube"), budget.TotalSeconds);
            // Disposing would wait for the same services; only the log is flushed, so the line above is written.
            FlushLog(app.Services);
            return 0;
        }
        await stop;
        await app.DisposeAsync();
        return 0;
    }

    private static bool StoppedWhileStarting(IServiceProvider services, Exception ex)
        => services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested
           && (ex is OperationCanceledException || (ex is AggregateException aggregate && aggregate.InnerExceptions.All(e => e is OperationCanceledException)));

    // The console logger writes from a queue; exiting without disposing the host would drop its last lines.
    private static void FlushLog(IServiceProvider services)
    {
        foreach (var provider in services.GetServices<ILoggerProvider>()) provider.Dispose();
    }

    private static async Task WhenStoppingAsync(IHostApplicationLifetime lifetime)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await stopping.Task;
    }

    private static string? Invalid(Exception ex) => ex switch
    {
        ResourceLoadException => ex.Message,
        OptionsValidationException options => string.Join(Environment.NewLine, options.Failures),
        // The configuration binder's own message names the key and the value: "Failed to convert configuration value
        // 'abc' at 'Gateway:MaxJsonDepth' to type 'System.Int32'." (it throws no type of its own).
        InvalidOperationException when ex.Message.StartsWith("Failed to convert configuration value ", StringComparison.Ordinal) => ex.Message,
        AggregateException { InnerExceptions: var inner } when inner.All(e => Invalid(e) is not null)
            => string.Join(Environment.NewLine, inner.Select(e => Invalid(e))),
        _ => null,
    };

    private static string? CannotListen(Exception ex, IServiceProvider? services)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            var reason = e switch
            {
                AddressInUseException => "address already in use",
                System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AccessDenied } => "permission denied",
                _ => null,
            };
            if (reason is null) continue;
            return KestrelAddress(ex) is { } address
                ? $"cannot listen on {address}: {reason}; choose another address with {(services?.GetService<AdminPorts>()?.Describes(address) == true ? "--admin-urls" : "--urls")}"
                : $"cannot listen on {OrleansPorts(services)}: {reason}; choose free ones (silo: --silo-port, --gateway-port; standalone gateway: --Gateway:SiloPort, 0 picks one)";
        }
        return null;
    }

    // Kestrel says "Failed to bind to address http://127.0.0.1:8080: address already in use."
    private static string? KestrelAddress(Exception ex)
    {
        const string prefix = "Failed to bind to address ";
        var message = ex.Message;
        if (!message.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var end = message.IndexOf(": ", prefix.Length, StringComparison.Ordinal);
        return end > 0 ? message[prefix.Length..end] : message[prefix.Length..].TrimEnd('.');
    }

    // Orleans' listeners fail without naming their endpoint: name the ports it was configured with.
    private static string OrleansPorts(IServiceProvider? services)
    {
        var endpoints = services?.GetService<IOptions<EndpointOptions>>()?.Value;
        var ports = endpoints is null ? [] : new[] { ("silo port", endpoints.SiloPort), ("gateway port", endpoints.GatewayPort) }.Where(p => p.Item2 > 0).ToArray();
        return ports.Length == 0 ? "an Orleans port" : string.Join(" or ", ports.Select(p => $"{p.Item1} {p.Item2}"));
    }

    private static void LogListening(IServiceProvider services, string description)
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var admin = services.GetService<AdminPorts>()?.Ports ?? [];
        bool IsAdmin(string address) => Uri.TryCreate(address, UriKind.Absolute, out var uri) && admin.Contains(uri.Port);
        var traffic = string.Join(", ", addresses.Where(a => !IsAdmin(a)));
        var adminAddresses = addresses.Where(IsAdmin).ToList();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("LLMKube");
        LogStarted(logger, description, adminAddresses.Count == 0 ? traffic : $"{traffic} (admin: {string.Join(", ", adminAddresses)})");
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Description}: listening on {Addresses}")]
    private static partial void LogStarted(ILogger logger, string description, string addresses);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "stop not finished within its budget of {Seconds} s (Shutdown:Delay, Shutdown:DrainTimeout in the gateway, Shutdown:StopTimeout): exiting without waiting for the rest")]
    private static partial void LogStopAbandoned(ILogger logger, double seconds);
}
