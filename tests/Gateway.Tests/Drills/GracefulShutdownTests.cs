using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>
/// Shutdown of the real gateway process by real signals: not ready at once, still serving for
/// <c>Shutdown:Delay</c>, then no new connections while the streams in flight finish, and exit code 0.
/// A stream still running at <c>Shutdown:DrainTimeout</c> ends with an SSE <c>error</c> event.
/// </summary>
public sealed class GracefulShutdownTests : IAsyncLifetime
{
    // 25 chunks x 200 ms: a 5 s stream, longer than the delay, and cut by a short drain timeout.
    private const int Chunks = 25;
    private static readonly TimeSpan _interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(20);

    private FakeUpstream _upstream = null!;
    private string _resources = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Behavior = Behavior.Sse(Chunks, _interval);
        _resources = Directory.CreateTempSubdirectory("llmkube-shutdown-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_resources, "router.yaml"),
            RouterYaml.Router(RouterYaml.Local("up", _upstream.Port), RouterYaml.Rule("all", "up")));
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        Directory.Delete(_resources, recursive: true);
    }

    private Task<ServiceProcess> StartAsync(params string[] settings) => ServiceProcess.GatewayAsync(["--resources", _resources, .. settings]);

    [Fact]
    public async Task Sigterm_NotReadyAtOnce_ServesDuringTheDelay_ThenRefusesConnections_AndTheStreamInFlightCompletes()
    {
        var delay = TimeSpan.FromSeconds(2);
        await using var gateway = await StartAsync("--Shutdown:Delay=00:00:02");
        await using var stream = await SseReader.OpenAsync(gateway.BaseAddress);
        await stream.WaitForEventsAsync(1, _patience);

        await gateway.SignalAsync("TERM");
        var signalled = Stopwatch.GetTimestamp();
        await gateway.WaitForLogAsync("stopping: not ready now", _patience);

        // Not ready from the moment of the signal, yet new connections are still served during the delay.
        using (var client = new HttpClient { BaseAddress = gateway.BaseAddress })
        {
            using var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("\"status\":\"stopping\"", await ready.Content.ReadAsStringAsync());
        }
        _upstream.Enqueue(Behavior.Json());
        using (var client = new HttpClient { BaseAddress = gateway.BaseAddress })
        using (var served = await client.SendAsync(Chat.Request()))
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        // After the delay the listener is closed, while the stream is still being relayed.
        await WaitUntilRefusedAsync(gateway.BaseAddress.Port);
        Assert.True(Stopwatch.GetElapsedTime(signalled) >= delay - TimeSpan.FromMilliseconds(50), "connections were refused before the delay was over");
        Assert.False(stream.Completion.IsCompleted, "the stream ended before the listener closed");
        Assert.False(gateway.HasExited);

        // More signals during the drain change nothing.
        await gateway.SignalAsync("TERM");
        await gateway.SignalAsync("INT");

        await stream.Completion.WaitAsync(_patience);
        Assert.Equal(Chunks, stream.Chunks);
        Assert.True(stream.Done, string.Join("\n\n", stream.Events));
        Assert.DoesNotContain(stream.Events, e => e.StartsWith("event: error", StringComparison.Ordinal));

        // Exits once nothing is in flight, long before the 90 s drain timeout, and with 0.
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the gateway did not exit after its last stream ended");
        Assert.True(Stopwatch.GetElapsedTime(stream.EndedAt) < TimeSpan.FromSeconds(5), $"exited {Stopwatch.GetElapsedTime(stream.EndedAt)} after the stream ended");
        Assert.Equal(0, gateway.ExitCode);
        Assert.Contains(gateway.StdoutLines, l => l.Contains("\"outcome\":\"ok_stream\"", StringComparison.Ordinal));
        AssertNoErrorLogged(gateway);
    }

    [Fact]
    public async Task Sigint_WorkStillRunningAtTheDrainTimeout_EndsWithAnSseErrorEventOr503_AndTheExitCodeIsZero()
    {
        await using var gateway = await StartAsync("--Shutdown:DrainTimeout=00:00:00.500");
        await using var stream = await SseReader.OpenAsync(gateway.BaseAddress);
        await stream.WaitForEventsAsync(1, _patience);
        // A second request whose upstream never answers: still waiting for headers at the deadline.
        _upstream.Enqueue(Behavior.StallBeforeHeaders());
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        var waiting = client.SendAsync(Chat.Request());
        await _upstream.WaitForRequestAsync(2, _patience);

        await gateway.SignalAsync("INT");
        var signalled = Stopwatch.GetTimestamp();

        using (var refused = await waiting.WaitAsync(_patience))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("gateway_shutting_down", (await Chat.ErrorAsync(refused)).Code);
        }

        await stream.Completion.WaitAsync(_patience);
        var last = stream.Events[^1];
        Assert.StartsWith("event: error\ndata: ", last);
        Assert.Contains("\"code\":\"gateway_shutting_down\"", last);
        Assert.InRange(stream.Chunks, 1, Chunks - 1);
        Assert.False(stream.Done);
        // Cut at the deadline (no delay, 0.5 s drain), not at the stream's own end 5 s in.
        Assert.InRange(Stopwatch.GetElapsedTime(signalled, stream.EndedAt), TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));

        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the gateway did not exit after the drain timeout");
        Assert.Equal(0, gateway.ExitCode);
        Assert.Equal(2, gateway.StdoutLines.Count(l => l.Contains("\"outcome\":\"gateway_shutting_down\"", StringComparison.Ordinal)));
        AssertNoErrorLogged(gateway);
    }

    [Fact]
    public async Task Sigterm_AStreamWhoseUpstreamIsSilent_IsStillEndedAtTheDrainDeadline()
    {
        await using var gateway = await StartAsync("--Shutdown:DrainTimeout=00:00:00.500");
        // One chunk, then nothing: the gateway's read is waiting on the upstream when the deadline comes.
        _upstream.Enqueue(Behavior.StallMidStream(1));
        await using var stream = await SseReader.OpenAsync(gateway.BaseAddress);
        await stream.WaitForEventsAsync(1, _patience);

        await gateway.SignalAsync("TERM");
        var signalled = Stopwatch.GetTimestamp();

        await stream.Completion.WaitAsync(_patience);
        Assert.Contains("\"code\":\"gateway_shutting_down\"", stream.Events[^1]);
        Assert.InRange(Stopwatch.GetElapsedTime(signalled, stream.EndedAt), TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the gateway did not exit after the drain timeout");
        Assert.Equal(0, gateway.ExitCode);
        AssertNoErrorLogged(gateway);
    }

    private static async Task WaitUntilRefusedAsync(int port)
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"127.0.0.1:{port} still accepts connections");
    }

    private static void AssertNoErrorLogged(ServiceProcess gateway)
        => Assert.DoesNotContain(gateway.StderrLines, l => l.Contains(" fail:", StringComparison.Ordinal) || l.Contains(" crit:", StringComparison.Ordinal)
            || l.Contains("Exception", StringComparison.Ordinal));
}
