using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>
/// A raw TCP connection to the gateway, for requests no HTTP client would send: malformed framing,
/// oversized headers, bytes trickled one at a time. Sends never throw: a connection the server has
/// closed or reset just reports <c>false</c>, since that is often the expected outcome of a drill.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _received = new();
    private bool _ended;

    private RawConnection(Socket socket) => _socket = socket;

    /// <summary>The server closed (FIN) or reset the connection; nothing more will be received.</summary>
    public bool Ended => Volatile.Read(ref _ended);

    /// <summary>Everything received so far.</summary>
    public byte[] Received
    {
        get { lock (_received) return _received.ToArray(); }
    }

    public static async Task<RawConnection> OpenAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address.Host), address.Port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawConnection(socket);
    }

    public Task<bool> SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Sends all of <paramref name="data"/>; false when the server has already closed or reset the connection.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None);
                data = data[sent..];
            }
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Closes the sending side (FIN): the server sees the end of the request stream.</summary>
    public void ShutdownSend()
    {
        try { _socket.Shutdown(SocketShutdown.Send); } catch (SocketException) { }
    }

    /// <summary>
    /// Reads until the server ends the connection, or a complete response (headers plus <c>Content-Length</c>
    /// bytes) has arrived, or <paramref name="timeout"/> passes. Returns what was received.
    /// </summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        while (!Ended && RawResponse.Parse(Received) is not { Complete: true })
        {
            try
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (n == 0) { Volatile.Write(ref _ended, true); break; }
                lock (_received) _received.Write(buffer, 0, n);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Volatile.Write(ref _ended, true);
                break;
            }
        }
        return RawResponse.Parse(Received) with { ConnectionEnded = Ended };
    }

    /// <summary>Waits until the server ends the connection (FIN or reset), discarding nothing it sends first.</summary>
    public async Task<RawResponse> ReadToEndAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        while (!Ended)
        {
            try
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (n == 0) { Volatile.Write(ref _ended, true); break; }
                lock (_received) _received.Write(buffer, 0, n);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                Volatile.Write(ref _ended, true);
                break;
            }
        }
        return RawResponse.Parse(Received) with { ConnectionEnded = Ended };
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>An HTTP/1.1 response read off a raw connection (or the lack of one).</summary>
internal sealed record RawResponse(int? Status, string Head, string Body, bool Complete)
{
    /// <summary>The server ended the connection (FIN or reset) while or after it answered.</summary>
    public bool ConnectionEnded { get; init; }

    public static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return new RawResponse(null, text, "", false);
        var head = text[..end];
        var body = text[(end + 4)..];
        int? status = null;
        var firstLine = head.Split("\r\n")[0].Split(' ');
        if (firstLine.Length >= 2 && firstLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) && int.TryParse(firstLine[1], out var s)) status = s;
        var length = head.Split("\r\n").Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim()))
            .FirstOrDefault();
        return new RawResponse(status, head, body, Encoding.UTF8.GetByteCount(body) >= length);
    }

    /// <summary>The value of a response header, or null.</summary>
    public string? Header(string name) => Head.Split("\r\n").Skip(1)
        .Select(l => l.Split(':', 2))
        .Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(p => p[1].Trim())
        .FirstOrDefault();

    public override string ToString() => Status is null ? $"(no response{(ConnectionEnded ? ", connection ended" : "")}) {Head}" : $"{Head}\r\n\r\n{Body}";
}
