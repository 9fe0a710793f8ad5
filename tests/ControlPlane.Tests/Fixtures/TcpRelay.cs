using System.Net;
using System.Net.Sockets;

namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of the API server, so a test can cut every open connection (a dropped
/// watch) or refuse new ones for a while (an unreachable API server), as a network would.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _refusing;

    public TcpRelay(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Closes every relayed connection now.</summary>
    public void DropAll()
    {
        lock (_gate)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
    }

    /// <summary>While true, new connections are closed at once (and open ones dropped).</summary>
    public bool Refusing
    {
        get => _refusing;
        set
        {
            _refusing = value;
            if (value) DropAll();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            if (_refusing)
            {
                inbound.Dispose();
                continue;
            }
            Accepted++;
            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        lock (_gate)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(_target, _stop.Token);
            var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token);
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token);
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // a dropped connection: both ends close below
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (_gate)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        _stop.Dispose();
    }
}
