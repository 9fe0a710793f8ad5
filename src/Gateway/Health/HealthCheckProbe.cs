using LLMKube.Gateway.Forwarding;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Health;

/// <summary>
/// One active health check over HTTP: <c>GET</c> the backend's address plus the check's path, with the
/// backend's credential in its provider's header shape, on the shared upstream client, within the
/// check's timeout. A timeout, a refused connection or a non-2xx answer fails the check.
/// </summary>
internal static class HealthCheckProbe
{
    public static async Task<HealthCheckResult> SendAsync(HttpMessageInvoker invoker, BackendConfig backend, HealthCheckConfig check,
        string? credential, TimeProvider time, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, backend.Address + check.Path);
        UpstreamHeaders.Apply(request, backend, credential);
        using var deadline = new CancellationTokenSource(check.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stopping);
        try
        {
            using var response = await invoker.SendAsync(request, linked.Token);
            // Drained so that the pooled connection is reused; the deadline bounds a body that never ends.
            await response.Content.CopyToAsync(Stream.Null, linked.Token);
            return HealthCheckResult.FromStatus((int)response.StatusCode, check.Path);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return HealthCheckResult.Fail($"health check {check.Path}: no answer within {check.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return HealthCheckResult.Fail($"health check {check.Path}: {ex.Message}");
        }
    }
}
