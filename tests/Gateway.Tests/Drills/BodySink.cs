using System.Collections.Concurrent;
using System.Net;
using LLMKube.Gateway.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>
/// An upstream that accepts request bodies of any size (FakeUpstream keeps Kestrel's 30,000,000-byte cap,
/// below the gateway's 32 MiB) and keeps the bodies it received, to compare them byte for byte.
/// </summary>
public sealed class BodySink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private readonly SemaphoreSlim _received = new(0);

    private BodySink()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Limits.MaxRequestBodySize = null;
            options.Limits.MinRequestBodyDataRate = null;
            options.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            _bodies.Enqueue(buffer.ToArray());
            _received.Release();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(OpenAiPayloads.ChatCompletion("sink-model"), context.RequestAborted);
        });
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<BodySink> StartAsync()
    {
        var sink = new BodySink();
        await sink._app.StartAsync();
        sink.BaseAddress = new Uri(sink._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return sink;
    }

    /// <summary>The next body received, in arrival order.</summary>
    public async Task<byte[]> NextBodyAsync(TimeSpan timeout)
    {
        if (!await _received.WaitAsync(timeout)) throw new TimeoutException($"no request body reached the sink within {timeout}");
        return _bodies.TryDequeue(out var body) ? body : throw new InvalidOperationException("signalled without a body");
    }

    public int Count => _bodies.Count;

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _received.Dispose();
    }
}
