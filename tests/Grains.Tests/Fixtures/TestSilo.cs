using LLMKube.Grains.Hosting;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LLMKube.Grains.Backends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Grains.Tests.Fixtures;

/// <summary>
/// A real Orleans silo in the test process (localhost clustering on a free 127.0.0.1 port, memory
/// grain storage) running the production grains, with a fake routing clock and captured logs.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host, FakeTimeProvider clock, ConcurrentQueue<string> logs)
    {
        _host = host;
        Clock = clock;
        _logs = logs;
    }

    private readonly ConcurrentQueue<string> _logs;

    public FakeTimeProvider Clock { get; }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Every log message so far, formatted, with its exception.</summary>
    public IReadOnlyList<string> Logs => [.. _logs];

    public static async Task<TestSilo> StartAsync(Action<ISiloBuilder>? configure = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var logs = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new Capture(logs));
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(new RoutingClock(clock));
        builder.UseOrleans(silo =>
        {
            var service = "t" + Guid.NewGuid().ToString("N")[..10];
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0, serviceId: service, clusterId: service);
            silo.AddMemoryGrainStorage(StorageNames.Default);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, clock, logs);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; throws after 10 s.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"not reached within 10 s: {what}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10), TimeProvider.System);
        try { await _host.StopAsync(stop.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Capture(ConcurrentQueue<string> sink) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => sink.Enqueue($"{logLevel} [{eventId.Id}] {formatter(state, exception)} {exception}");

        public void Dispose() { }
    }
}
