using System.Net;
using System.Net.Sockets;
using LLMKube.Gateway.Mock;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The one HTTP client every attempt uses. Connections to local-tier backends are pooled and kept
/// alive; cloud-tier requests carry <c>Connection: close</c>. A connect is bounded by the router's
/// <c>connectTimeout</c> as loaded now (a gateway serves one router), so a black-holed host fails over
/// after it rather than after the whole header budget. Requests to the mock provider's reserved host are
/// answered in process by <see cref="MockHandler"/>, ahead of the socket handler.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    private readonly RoutingState? _routing;
    private readonly TimeProvider _time;

    /// <summary>
    /// Creates the client; <paramref name="routing"/> gives the connect timeout (the default when null),
    /// <paramref name="time"/> times connects and the mock provider's delays (the system clock when null).
    /// </summary>
    public UpstreamClient(RoutingState? routing = null, TimeProvider? time = null)
    {
        _routing = routing;
        _time = time ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            ActivityHeadersPropagator = null,
            ConnectCallback = ConnectAsync,
        };
        Invoker = new HttpMessageInvoker(new MockHandler(_time, handler), disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = _routing?.Current?.Config.Timers.ConnectTimeout ?? RouterTimers.DefaultConnectTimeout;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var expiry = new CancellationTokenSource(timeout, _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, deadline.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Invoker.Dispose();
}
