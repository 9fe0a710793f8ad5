using System.Collections.Concurrent;
using System.Net;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>
/// A steady stream of ordinary chat requests, on its own connection pool, run while a drill abuses the
/// gateway. Every request must succeed: any non-200 answer or exception is recorded as a failure.
/// </summary>
internal sealed class NormalTraffic : IAsyncDisposable
{
    private readonly GatewayHost _host;
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task[] _loops;
    private int _ok;
    private int _failed;
    private bool _stopped;

    public NormalTraffic(GatewayHost host, int workers = 3)
    {
        _host = host;
        _client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
        _loops = Enumerable.Range(0, workers).Select(_ => Task.Run(LoopAsync)).ToArray();
    }

    public int Ok => Volatile.Read(ref _ok);
    public int Failed => Volatile.Read(ref _failed);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                // No cancellation token: stopping lets the request in flight finish, so it is never audited as client_canceled.
                using var response = await _client.SendAsync(Chat.Request("ok-1"));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref _ok);
                else Fail($"{(int)response.StatusCode} {body}");
                // A few hundred requests a second: steady traffic without starving the drill (and other tests) of CPU.
                await Task.Delay(5);
            }
            catch (Exception ex)
            {
                Fail(ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    private void Fail(string what)
    {
        Interlocked.Increment(ref _failed);
        if (_failures.Count < 5) _failures.Enqueue(what);
    }

    /// <summary>Waits until <paramref name="more"/> further requests succeeded: traffic really flowed meanwhile.</summary>
    public async Task FlowsAsync(int more = 10, TimeSpan? timeout = null)
    {
        var target = Ok + more;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(3));
        while (Ok < target)
        {
            Assert.True(Failed == 0, Report());
            Assert.True(DateTime.UtcNow < deadline, $"normal traffic stalled: {Ok}/{target} succeeded. {Report()}");
            await Task.Delay(5);
        }
    }

    public string Report() => $"{Failed} failed of {Ok + Failed}: {string.Join(" | ", _failures)}";

    /// <summary>Stops the stream and asserts every request succeeded and some did.</summary>
    public async Task StopAndAssertAsync()
    {
        await StopAsync();
        Assert.True(Failed == 0, Report());
        Assert.True(Ok > 0, "no normal request completed");
    }

    private async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
