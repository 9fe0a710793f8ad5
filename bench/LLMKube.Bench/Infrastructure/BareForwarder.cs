using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Bench.Infrastructure;

/// <summary>
/// The baseline: a bare YARP <see cref="IHttpForwarder"/> with no routing logic, sending every request to
/// one upstream with the same client settings as the gateway. Runs in its own process (<c>bench forwarder</c>).
/// </summary>
public static class BareForwarder
{
    public static async Task RunAsync(int port, string upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        // The gateway's own HTTP client, so the baseline differs from the gateway only by the gateway's logic.
        var invoker = new LLMKube.Gateway.Forwarding.UpstreamClient().Invoker;
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(5) };
        app.MapGet("/healthz", () => "ok");
        app.Map("/{**path}", async (HttpContext context) => { await forwarder.SendAsync(context, upstream, invoker, config, HttpTransformer.Default); });
        await app.RunAsync();
    }
}
