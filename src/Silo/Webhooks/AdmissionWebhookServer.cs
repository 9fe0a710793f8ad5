using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using LLMKube.Silo.Webhooks.Certificates;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// The HTTPS listener of the admission endpoints: a Kestrel server of its own on <see cref="WebhookOptions.Port"/>, apart
/// from the admin listener, presenting whatever certificate the <see cref="IServingCertificateSource"/> holds at each
/// handshake, so a rotated certificate is served without a restart.
/// </summary>
public sealed partial class AdmissionWebhookServer(
    WebhookOptions options,
    IServingCertificateSource certificates,
    AdmissionReviewHandler handler,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    /// <summary>The largest AdmissionReview accepted; the API server's own limit on an object is 3 MiB, and a review may carry two.</summary>
    public const long MaxBodyBytes = 8 * 1024 * 1024;

    private readonly ILogger _logger = loggers.CreateLogger<AdmissionWebhookServer>();
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await certificates.StartAsync(cancellationToken);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(AdmissionWebhookServer).Assembly.GetName().Name });
        // Only what is set here: the process's appsettings and variables (urls, Kestrel endpoints) belong to the admin listener.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.AddServerHeader = false;
            void Https(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(Authentication()) });
            }
            if (string.IsNullOrWhiteSpace(options.Address)) kestrel.ListenAnyIP(options.Port, Https);
            else kestrel.Listen(IPAddress.Parse(options.Address), options.Port, Https);
        });
        _app = builder.Build();
        foreach (var kind in AdmissionKinds.All)
        {
            _app.MapPost(kind.ValidatePath, (HttpContext context) => AdmitAsync(context, kind, mutating: false));
            _app.MapPost(kind.MutatePath, (HttpContext context) => AdmitAsync(context, kind, mutating: true));
        }
        await _app.StartAsync(cancellationToken);
        LogListening(options.Address ?? "*", options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
        await certificates.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        (certificates as IDisposable)?.Dispose();
    }

    private SslServerAuthenticationOptions Authentication() => new()
    {
        ServerCertificateContext = certificates.Current?.Context ?? throw new AuthenticationException("the webhook has no serving certificate yet"),
        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
    };

    private async Task AdmitAsync(HttpContext context, AdmissionKind kind, bool mutating)
    {
        AdmissionOutcome outcome;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
            outcome = mutating ? handler.Mutate(kind, bytes) : handler.Validate(kind, bytes);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex)
        {
            // Kestrel's own refusals (a body over MaxBodyBytes): its status, with the reason in an AdmissionReview.
            outcome = AdmissionOutcome.BadRequest(kind.Kind, ex.Message) with { HttpStatus = ex.StatusCode };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in a validator must answer the API server (whose failure policy then decides), not drop the call.
            LogFailed(kind.Kind, ex.GetType().Name, ex.Message);
            outcome = AdmissionOutcome.InternalError(kind.Kind, "the webhook failed: " + ex.Message);
        }
        LogAdmission(mutating ? "defaulted" : "validated", outcome.Kind, outcome.Namespace ?? "", outcome.Name ?? "", outcome.Operation, outcome.Allowed, outcome.Errors, outcome.Patches);
        context.Response.StatusCode = outcome.HttpStatus;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(outcome.Review.ToJsonString(), context.RequestAborted);
    }

    // The silo's own host handles SIGTERM; this embedded one must not register for it too.
    private sealed class NoSignalsLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "admission webhook listening on https://{Address}:{Port}")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "admission {Action} {Kind} {Namespace}/{Name} ({Operation}): allowed={Allowed}, errors={Errors}, patches={Patches}")]
    private partial void LogAdmission(string action, string kind, string @namespace, string name, string operation, bool allowed, int errors, int patches);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "admission of a {Kind} failed with {Exception}: {Reason}")]
    private partial void LogFailed(string kind, string exception, string reason);
}
