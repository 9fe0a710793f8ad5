using LLMKube.Grains.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LLMKube.Grains.Observability;

/// <summary>
/// A second listener for operators, beside a process's traffic listener (the gateway's data plane, later the Mac
/// agent's): <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> on <c>Admin:Urls</c>, never on <c>urls</c>.
/// One Kestrel server binds both; a request is an admin request when it arrived on an admin port.
/// </summary>
public static class AdminListener
{
    /// <summary>The setting (<c>--admin-urls</c>, <c>LLMKUBE_Admin__Urls</c>); <see cref="Off"/> disables the listener.</summary>
    public const string UrlsKey = "Admin:Urls";

    /// <summary>The value of <see cref="UrlsKey"/> that turns the admin listener off.</summary>
    public const string Off = "none";

    /// <summary>Kestrel's own default when <c>urls</c> is not set.</summary>
    private const string KestrelDefault = "http://localhost:5000";

    /// <summary>
    /// Binds the traffic addresses (<c>urls</c>) and the admin addresses (<see cref="UrlsKey"/>, else
    /// <paramref name="defaultUrls"/>). Throws <see cref="OptionsValidationException"/> naming the setting for an
    /// address it cannot bind, or an admin port that is also a traffic port.
    /// </summary>
    public static WebApplicationBuilder AddAdminListener(this WebApplicationBuilder builder, string defaultUrls)
    {
        var adminUrls = builder.Configuration[UrlsKey] is { Length: > 0 } configured ? configured : defaultUrls;
        if (string.Equals(adminUrls.Trim(), Off, StringComparison.OrdinalIgnoreCase)) return builder;
        var (traffic, trafficProblems) = ListenAddress.ParseList(builder.Configuration["urls"] ?? KestrelDefault, "urls (--urls)");
        var (admin, adminProblems) = ListenAddress.ParseList(adminUrls, $"{UrlsKey} (--admin-urls)");
        var problems = trafficProblems.Concat(adminProblems).ToList();
        foreach (var shared in admin.Select(a => a.Port).Where(p => p != 0).Intersect(traffic.Select(t => t.Port)))
            problems.Add($"{UrlsKey} (--admin-urls) must not use port {shared} of urls (--urls): admin endpoints never share the traffic port");
        if (problems.Count > 0) throw new OptionsValidationException(UrlsKey, typeof(AdminPorts), problems);

        var ports = new AdminPorts(admin);
        builder.Services.AddSingleton(ports);
        // Kestrel binds the endpoints below; left set, urls would only earn an "Overriding address(es)" warning.
        builder.Configuration["urls"] = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in traffic) Listen(kestrel, address, null);
            foreach (var address in admin) Listen(kestrel, address, ports.Bound);
        });
        return builder;
    }

    /// <summary>
    /// Sends the requests that arrived on an admin port to <paramref name="configure"/>'s branch, which by default
    /// answers <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>. Call it before any other middleware.
    /// </summary>
    public static WebApplication MapAdminListener(this WebApplication app, Action<IApplicationBuilder>? configure = null)
    {
        if (app.Services.GetService<AdminPorts>() is not { } ports) return app;
        app.MapWhen(ports.IsAdmin, admin =>
        {
            configure?.Invoke(admin);
            admin.UseMetricsEndpoint();
            admin.Run(AnswerAsync);
        });
        return app;
    }

    private static Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals(ServiceDefaults.HealthPath, StringComparison.Ordinal)) return ServiceDefaults.Healthy.ExecuteAsync(context);
        if (path.Equals(ServiceDefaults.ReadyPath, StringComparison.Ordinal))
            return context.RequestServices.GetRequiredService<IReadinessCheck>().Check().ExecuteAsync(context);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsync($"not found: the admin listener serves {MetricsEndpoint.Path}, {ServiceDefaults.HealthPath} and {ServiceDefaults.ReadyPath}\n");
    }

    private static void Listen(KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions>? bound)
    {
        var configure = bound ?? (_ => { });
        if (address.Localhost) kestrel.ListenLocalhost(address.Port, configure);
        else if (address.Address is null) kestrel.ListenAnyIP(address.Port, configure);
        else kestrel.Listen(address.Address, address.Port, configure);
    }
}
