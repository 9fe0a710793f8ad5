using System.Text;
using LLMKube.Bench.Infrastructure;

namespace LLMKube.Bench.Scenarios;

/// <summary>Gateway RSS at rest, with 1,000 concurrent slow SSE streams, and under 50 concurrent 8 MiB bodies.</summary>
public static class Memory
{
    public static async Task<string> RunAsync(int streams = 1000, int bigBodies = 50)
    {
        await using var upstream = await Targets.UpstreamAsync();
        var resources = Targets.Resources(Targets.Backend("local", upstream.Port) + "  defaultRoute: local\n");
        await using var gateway = await Targets.StandaloneAsync(resources);
        using var client = LoadGenerator.Client(streams + 100);
        for (var i = 0; i < 200; i++) await LoadGenerator.SendAsync(client, gateway.BaseAddress, false);
        await Task.Delay(1000);
        var rest = gateway.RssMiB();

        // Slow streams: 40 chunks 250 ms apart (10 s each); measure once every stream has its first chunk.
        using var cancel = new CancellationTokenSource();
        var firstChunks = 0;
        var headers = new[] { KeyValuePair.Create("x-bench-sse-chunks", "40"), KeyValuePair.Create("x-bench-sse-interval-ms", "250") };
        var running = Enumerable.Range(0, streams).Select(async _ =>
        {
            try
            {
                using var request = LoadGenerator.Request(gateway.BaseAddress, true, headers);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                await using var body = await response.Content.ReadAsStreamAsync(cancel.Token);
                var buffer = new byte[1024];
                if (await body.ReadAsync(buffer, cancel.Token) > 0) Interlocked.Increment(ref firstChunks);
                while (await body.ReadAsync(buffer, cancel.Token) > 0) { }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException) { }
        }).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(8);
        while (Volatile.Read(ref firstChunks) < streams && DateTime.UtcNow < deadline) await Task.Delay(50);
        var withStreams = 0.0;
        for (var i = 0; i < 5; i++) { withStreams = Math.Max(withStreams, gateway.RssMiB()); await Task.Delay(100); }
        var open = Volatile.Read(ref firstChunks);
        await cancel.CancelAsync();
        await Task.WhenAll(running);
        await Task.Delay(1000);

        // Large bodies: 50 concurrent 8 MiB requests; peak RSS growth over the resting value.
        var before = gateway.RssMiB();
        var pad = new string('x', 8 * 1024 * 1024 - 64);
        var big = Encoding.UTF8.GetBytes($$"""{"model":"bench","pad":"{{pad}}"}""");
        var peak = before;
        var sending = Enumerable.Range(0, bigBodies).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway.BaseAddress, "/v1/chat/completions")) { Content = new ByteArrayContent(big) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await client.SendAsync(request);
            return (int)response.StatusCode;
        }).ToArray();
        var all = Task.WhenAll(sending);
        while (!all.IsCompleted) { peak = Math.Max(peak, gateway.RssMiB()); await Task.Delay(20); }
        var statuses = await all;

        var report = new StringBuilder();
        report.AppendLine("## Memory (standalone gateway process, RSS)");
        report.AppendLine();
        report.AppendLine("| state | RSS MiB |");
        report.AppendLine("|---|---:|");
        report.AppendLine($"| at rest (after 200 requests) | {rest:0} |");
        report.AppendLine($"| {open} concurrent slow SSE streams open | {withStreams:0} ({(withStreams - rest) * 1024 / Math.Max(open, 1):0} KiB per stream) |");
        report.AppendLine($"| {bigBodies} concurrent 8 MiB bodies (peak; {statuses.Count(s => s == 200)} answered 200) | {peak:0} (+{peak - before:0} over {before:0}; bodies total {bigBodies * 8} MiB) |");
        return report.ToString();
    }
}
