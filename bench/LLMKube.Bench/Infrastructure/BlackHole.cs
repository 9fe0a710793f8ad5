using System.Net;
using System.Net.Sockets;

namespace LLMKube.Bench.Infrastructure;

/// <summary>
/// A loopback port whose connection attempts hang: a listener with a full accept queue that never
/// accepts, so the kernel drops further SYNs. Stands in for a black-holed host without leaving 127.0.0.1.
/// </summary>
public sealed class BlackHole : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _fillers = [];

    public BlackHole()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        // Fill the accept queue; once it is full, new connection attempts get no answer.
        for (var i = 0; i < 8; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try { filler.Connect(IPAddress.Loopback, Port); } catch (SocketException) { }
            _fillers.Add(filler);
        }
    }

    public int Port { get; }

    /// <summary>True when a fresh connection attempt does not complete within <paramref name="wait"/>.</summary>
    public bool Swallows(TimeSpan wait)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var connect = probe.ConnectAsync(IPAddress.Loopback, Port);
        return !connect.Wait(wait);
    }

    public void Dispose()
    {
        foreach (var filler in _fillers) filler.Dispose();
        _listener.Dispose();
    }
}
