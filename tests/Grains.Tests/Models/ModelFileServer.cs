using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LLMKube.Grains.Tests.Models;

/// <summary>
/// A real Kestrel server on 127.0.0.1 serving model files the test puts in it, honouring Range requests (or ignoring
/// them on cue), with redirects, error statuses and a stalled answer. It records the Range header of every file request.
/// </summary>
public sealed class ModelFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModelFileServer()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The files served at <c>/files/{name}</c>.</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Answer 200 with the whole file, as a server without Range support does.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>The Range header of each file request, in order ("" when absent).</summary>
    public ConcurrentQueue<string> Ranges { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ModelFileServer> StartAsync()
    {
        var server = new ModelFileServer();
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>An absolute URL on this server, e.g. <c>Url("/files/m.gguf")</c>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["files", var name] when Files.TryGetValue(name, out var bytes):
                Ranges.Enqueue(context.Request.Headers.Range.ToString());
                if (IgnoreRange)
                {
                    context.Response.ContentLength = bytes.Length;
                    await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
                }
                else
                {
                    await Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
                }
                break;
            case ["redirect", var name]:
                context.Response.Redirect("/files/" + name);
                break;
            case ["redirect-to"]:
                context.Response.Redirect(context.Request.Query["url"].ToString());
                break;
            case ["loop"]:
                context.Response.Redirect("/loop");
                break;
            case ["status", var code]:
                context.Response.StatusCode = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
                break;
            case ["stall"]:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }
}
