using LLMKube.Grains.Hosting;

namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Composition of the gateway process: shared defaults, the data plane, then either a co-hosted silo fed
/// from resource files (standalone) or an Orleans client of a Redis-membership cluster.
/// </summary>
public static class GatewayApp
{
    /// <summary>Builds the application. <paramref name="configure"/> lets tests replace services (clock, audit output).</summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddServiceDefaults(args, settings, drainsRequests: true);
        var mode = GatewayMode.Resolve(builder.Configuration);
        builder.AddGatewayCore(mode);
        if (mode.Standalone) builder.AddStandaloneMode(mode);
        else builder.AddClusterClient();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGatewayEndpoints();
        return app;
    }
}
