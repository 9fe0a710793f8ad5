using System.Net;
using System.Net.Sockets;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Free loopback ports for the processes and servers the tests start: the one place that picks them.</summary>
public static class Ports
{
    /// <summary>A port that was free on 127.0.0.1 a moment ago (the OS picks it; it is released for the caller to bind).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
