using LLMKube.Gateway.Hosting;
using LLMKube.Gateway.Credentials;
using LLMKube.Gateway.Health;
using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The <c>shadow</c> strategy's copy: sends the request to the shadow backend in the background and
/// discards the answer. It never delays or fails the client: it runs on its own task with its own
/// timeout, is skipped while the shadow backend is quarantined, and is dropped when too many
/// copies are already in flight. Its outcome still feeds the shadow backend's breaker.
/// </summary>
internal sealed partial class ShadowMirror(
    UpstreamClient upstream,
    CredentialStore credentials,
    IOptions<GatewayServerOptions> options,
    RoutingClock clock,
    TimeProvider time,
    ILogger<ShadowMirror> logger)
{
    private int _inFlight;

    /// <summary>Starts the copy; returns false when it was skipped.</summary>
    public bool TryMirror(string routerNamespace, RouterTimers timers, BackendRuntime backend, RequestBody body, HttpRequest request, TimeSpan? ruleTimeout)
    {
        if (backend.Check(clock.Now, out _) != Admission.Go) return false;
        var config = backend.Config;
        string? credential = null;
        if (config.Credential is { } reference && (credential = credentials.Resolve(routerNamespace, reference)) is null) return false;
        if (Interlocked.Increment(ref _inFlight) > options.Value.MaxConcurrentShadowRequests)
        {
            Interlocked.Decrement(ref _inFlight);
            LogDropped(config.Name);
            return false;
        }

        var message = new HttpRequestMessage(HttpMethod.Post, config.Address.TrimEnd('/') + request.Path + request.QueryString);
        var content = new ByteArrayContent(body.ToArray(config.UpstreamModel));
        foreach (var header in request.Headers)
        {
            if (UpstreamHeaders.NotForwarded.Contains(header.Key)) continue;
            if (!message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
                content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
        }
        message.Content = content;
        message.Headers.Remove(UpstreamHeaders.RequestId);
        message.Headers.TryAddWithoutValidation(UpstreamHeaders.RequestId, request.HttpContext.TraceIdentifier);
        UpstreamHeaders.Apply(message, config, credential);
        var headerBudget = timers.HeaderBudget(ruleTimeout, config.Timeout);
        var total = headerBudget + (timers.MaxStreamDuration ?? TimeSpan.FromMinutes(10));
        _ = Task.Run(() => SendAsync(backend, message, headerBudget, total));
        return true;
    }

    private async Task SendAsync(BackendRuntime backend, HttpRequestMessage message, TimeSpan headerBudget, TimeSpan total)
    {
        using var deadline = new CancellationTokenSource(headerBudget, time);
        try
        {
            using var response = await upstream.Invoker.SendAsync(message, deadline.Token);
            deadline.CancelAfter(total);
            var status = (int)response.StatusCode;
            await response.Content.CopyToAsync(Stream.Null, deadline.Token);
            var verdict = status >= 500 ? AttemptVerdict.ServerError : status == 429 ? AttemptVerdict.RateLimited : AttemptVerdict.Success;
            backend.OnOutcome(verdict, status >= 500 ? $"{backend.Config.Name} returned {status}" : null, response.Headers.RetryAfter?.Delta, wasProbe: false);
        }
        catch (OperationCanceledException)
        {
            backend.OnOutcome(AttemptVerdict.Inconclusive, null, null, wasProbe: false);
        }
        catch (Exception ex)
        {
            backend.OnOutcome(AttemptVerdict.Failure, ex.Message, null, wasProbe: false);
        }
        finally
        {
            message.Dispose();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "shadow copy to {Backend} dropped: too many copies in flight")]
    private partial void LogDropped(string backend);
}
