using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// The first handler of the gateway's one upstream client: a request to the mock's reserved host is
/// answered in process by <see cref="MockUpstream"/>; every other request goes on to the socket
/// handler. Forwarding, timeouts, stream guards, the breaker and the audit line are all the same
/// for the mock as for a real server: only the socket is replaced.
/// </summary>
internal sealed class MockHandler(TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly MockUpstream _mock = new(time);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => request.RequestUri is { } uri && MockOptions.IsMockHost(uri)
            ? _mock.AnswerAsync(request, cancellationToken)
            : base.SendAsync(request, cancellationToken);
}
