using System.Text;
using LLMKube.Gateway.Tests.Fixtures;
using Xunit.Abstractions;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>Short Kestrel limits so the drills finish in seconds: headers within 1 s, bodies at 240 B/s after 1.5 s.</summary>
public sealed class SlowClientGateway : DrillGateway
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:RequestHeadersTimeout"] = "00:00:01",
        ["Gateway:MinRequestBodyDataRate"] = "240",
        // Kestrel requires a grace period above its 1 s heartbeat.
        ["Gateway:MinRequestBodyDataRateGracePeriod"] = "00:00:01.500",
    };
}

/// <summary>
/// Slow clients: slow-loris connections are dropped by Kestrel's RequestHeadersTimeout (no audit line: the
/// dispatcher never ran), trickled bodies by MinRequestBodyDataRate. Normal traffic flows meanwhile.
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class SlowClientTests(SlowClientGateway gateway, ITestOutputHelper output) : IClassFixture<SlowClientGateway>
{
    [Fact]
    public async Task SlowLoris_200Connections_AreDropped_WhileNormalTrafficFlows()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        // Never finishes: the request line and headers arrive one byte at a time, with no end.
        var partial = Encoding.ASCII.GetBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + new string('z', 200));
        var connections = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => RawConnection.OpenAsync(gateway.Host.BaseAddress)));
        try
        {
            // The headers timeout counts from a request's first byte (before it, Kestrel's keep-alive timeout applies).
            await Task.WhenAll(connections.Select(c => c.SendAsync(partial.AsMemory(0, 1))));
            var reads = connections.Select(c => c.ReadToEndAsync(TimeSpan.FromSeconds(4))).ToArray();
            using var stopDrip = new CancellationTokenSource();
            var drip = Task.Run(async () =>
            {
                for (var i = 1; i < partial.Length && !stopDrip.IsCancellationRequested; i++)
                {
                    foreach (var c in connections)
                        if (!c.Ended) await c.SendAsync(partial.AsMemory(i, 1));
                    await Task.Delay(50);
                }
            });

            // While the 200 connections are held open, ordinary requests still get through.
            await traffic.FlowsAsync(20);
            Assert.True(connections.Count(c => !c.Ended) > 100, "the slow connections should still be open while traffic flowed");

            var responses = await Task.WhenAll(reads);
            await stopDrip.CancelAsync();
            await drip;

            // Kestrel answers every one of them 408 (their request had begun) and closes the connection.
            Assert.All(connections, c => Assert.True(c.Ended, "a slow-loris connection was never dropped"));
            Assert.All(responses, r => Assert.True(r.Status == 408, $"expected 408 for a slow-loris, got: {r}"));
            output.WriteLine($"slow-loris: {responses.Length} answered 408 and closed; {traffic.Ok} normal requests served");
            await traffic.FlowsAsync(5);
            await traffic.StopAndAssertAsync();
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }

        var abnormal = gateway.AbnormalAudit();
        Assert.True(abnormal.Count == 0, string.Join("\n", abnormal));
        await gateway.AssertStillServesAsync();
    }

    [Fact]
    public async Task SlowBodySenders_AreAnswered408_WhileNormalTrafficFlows()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        const int Senders = 20;
        var head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n";
        var body = Encoding.ASCII.GetBytes("""{"model":"ok-1","messages":[{"role":"user","content":" """);
        var connections = await Task.WhenAll(Enumerable.Range(0, Senders).Select(_ => RawConnection.OpenAsync(gateway.Host.BaseAddress)));
        try
        {
            await Task.WhenAll(connections.Select(c => c.SendAsync(head)));
            var reads = connections.Select(c => c.ReadResponseAsync(TimeSpan.FromSeconds(4))).ToArray();
            using var stopDrip = new CancellationTokenSource();
            var drip = Task.Run(async () =>
            {
                // One byte per second per connection: far below 240 B/s.
                for (var i = 0; i < body.Length && !stopDrip.IsCancellationRequested; i++)
                {
                    foreach (var c in connections)
                        if (!c.Ended) await c.SendAsync(body.AsMemory(i, 1));
                    try { await Task.Delay(1000, stopDrip.Token); } catch (OperationCanceledException) { }
                }
            });

            await traffic.FlowsAsync(20);
            var responses = await Task.WhenAll(reads);
            await stopDrip.CancelAsync();
            await drip;

            // Kestrel's MinRequestBodyDataRate fails the body read; the dispatcher can still answer.
            foreach (var response in responses)
            {
                Assert.True(response.Status == 408, $"expected 408, got: {response}");
                var message = DrillGateway.AssertOpenAIError(response.Body, "request_timeout");
                Assert.Contains("too slowly", message);
            }
            // ... and then Kestrel closes the connection: the rest of the body is never waited for.
            var ends = await Task.WhenAll(connections.Select(c => c.ReadToEndAsync(TimeSpan.FromSeconds(2))));
            Assert.All(ends, e => Assert.True(e.ConnectionEnded, "a slow body's connection stayed open after its 408"));
            output.WriteLine($"slow bodies: {responses.Length} answered 408 and closed; {traffic.Ok} normal requests served");
            await traffic.FlowsAsync(5);
            await traffic.StopAndAssertAsync();
        }
        finally
        {
            foreach (var c in connections) c.Dispose();
        }

        var audit = gateway.AbnormalAudit();
        Assert.Equal(Senders, audit.Count);
        Assert.All(audit, a =>
        {
            Assert.Equal("body_timeout", a.GetProperty("outcome").GetString());
            Assert.Equal(408, a.GetProperty("status").GetInt32());
        });
        await gateway.AssertStillServesAsync();
    }
}
