using System.Net;
using System.Net.Sockets;
using LLMKube.Gateway.Mock;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The one HTTP client every attempt uses. Connections to local-tier backends are pooled and kept
/// alive; cloud-tier requests carry <c>Connection: close</c>. The connect timeout is per request
/// (<see cref="ConnectTimeoutKey"/>), so a black-holed host fails over after <c>connectTimeout</c>
/// rather than after the whole header budget. Requests to the mock provider's reserved host are
/// answered in process by <see cref="MockHandler"/>, ahead of the socket handler.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    /// <summary>Request option carrying the attempt's connect timeout.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("llmkube.connect-timeout");

    private readonly TimeProvider _time;

    /// <summary>Creates the client; <paramref name="time"/> times connects and the mock provider's delays (the system clock when null).</summary>
    public UpstreamClient(TimeProvider? time = null)
    {
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
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : TimeSpan.FromSeconds(5);
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
