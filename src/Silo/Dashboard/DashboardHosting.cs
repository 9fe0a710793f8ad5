using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace LLMKube.Silo.Dashboard;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c> on the silo's admin listener, behind <see cref="DashboardAccess"/>:
/// without the credentials a request gets 401; with none configured the dashboard is not added at all (it costs
/// about 80 MiB) and <c>/dashboard</c> answers 404 saying how to turn it on.
/// </summary>
internal static partial class DashboardHosting
{
    public const string Path = "/dashboard";

    /// <summary>Reads the access rule (refusing contradictory settings at start-up) and adds the dashboard when it is served.</summary>
    public static DashboardAccess AddDashboard(this WebApplicationBuilder builder, ISiloBuilder orleans)
    {
        var options = builder.Configuration.GetSection(DashboardOptions.Section).Get<DashboardOptions>() ?? new DashboardOptions();
        var (access, problems) = DashboardAccess.From(options);
        if (access is null) throw new OptionsValidationException(DashboardOptions.Section, typeof(DashboardOptions), problems);
        builder.Services.AddSingleton(access);
        if (access.Enabled) orleans.AddDashboard();
        return access;
    }

    /// <summary>Maps the dashboard behind its access check; call before the endpoints run.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<DashboardAccess>();
        if (!access.Enabled)
        {
            LogOff(app.Logger);
            app.Map(Path + "/{**rest}", static context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync("the Orleans dashboard is off: set Dashboard:Username and Dashboard:Password (or Dashboard:Token), "
                    + "or Dashboard:AllowAnonymous=true for local development\n");
            });
            return app;
        }
        if (access.Anonymous) LogAnonymous(app.Logger);
        app.UseWhen(static context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use((context, next) =>
        {
            if (access.Allows(context.Request.Headers.Authorization)) return next(context);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            if (access.AcceptsBasic) context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans dashboard\", charset=\"UTF-8\"";
            else context.Response.Headers.WWWAuthenticate = "Bearer realm=\"Orleans dashboard\"";
            return context.Response.WriteAsync("authentication required\n");
        }));
        app.MapOrleansDashboard(routePrefix: Path);
        return app;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "the Orleans dashboard is off: no Dashboard:Username/Password or Dashboard:Token configured (Dashboard:AllowAnonymous=true serves it without, for local development)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "the Orleans dashboard is served without authentication (Dashboard:AllowAnonymous=true): for local development only")]
    private static partial void LogAnonymous(ILogger logger);
}
