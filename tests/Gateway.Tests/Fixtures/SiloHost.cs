using LLMKube.Grains.Backends;
using System.Net;
using System.Net.Sockets;
using LLMKube.Grains;
using LLMKube.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>An in-process silo (the real <see cref="SiloApp"/>) on free 127.0.0.1 ports, with logs captured.</summary>
public sealed class SiloHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SiloHost(WebApplication app, LogCapture logs)
    {
        _app = app;
        Logs = logs;
    }

    public LogCapture Logs { get; }

    /// <summary>The admin listener: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c> and the Orleans dashboard.</summary>
    public Uri AdminAddress => new(_app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts a silo of the cluster <paramref name="serviceId"/> in <paramref name="redis"/>.</summary>
    public static async Task<SiloHost> StartAsync(RedisServer redis, string serviceId, string? resources = null, string? token = null, FakeTimeProvider? clock = null,
        Action<WebApplicationBuilder>? configure = null, IDictionary<string, string?>? extra = null)
    {
        var logs = new LogCapture();
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Cluster:Redis"] = redis.Endpoint,
            ["Cluster:ServiceId"] = serviceId,
            ["Cluster:ClusterId"] = serviceId,
            ["Cluster:Token"] = token,
            ["Silo:SiloPort"] = Ports.Free().ToString(),
            ["Silo:GatewayPort"] = Ports.Free().ToString(),
            ["Silo:Resources"] = resources,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        var app = SiloApp.Build([], settings, builder =>
        {
            builder.Logging.AddProvider(logs);
            if (clock is not null) builder.Services.Replace(ServiceDescriptor.Singleton(new RoutingClock(clock)));
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new SiloHost(app, logs);
    }

    /// <summary>Stops the silo without a graceful shutdown, as a crash would.</summary>
    public async Task KillAsync()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        try { await _app.StopAsync(cancelled.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }


    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _app.StopAsync(stop.Token);
        }
        catch (Exception) { }
        await _app.DisposeAsync();
    }
}
