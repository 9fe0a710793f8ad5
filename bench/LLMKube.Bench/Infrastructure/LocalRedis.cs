using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LLMKube.Bench.Infrastructure;

/// <summary>A throwaway <c>redis-server</c> on a free loopback port for one benchmark run.</summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private readonly Process _process;

    private LocalRedis(Process process, int port)
    {
        _process = process;
        Endpoint = $"127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public static async Task<LocalRedis> StartAsync()
    {
        var port = Ports.Free();
        var start = new ProcessStartInfo("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server not found (apt-get install redis-server)");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new LocalRedis(process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill();
        throw new TimeoutException("redis-server did not start");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
