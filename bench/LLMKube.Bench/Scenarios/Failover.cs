using System.Diagnostics;
using System.Text;
using LLMKube.Bench.Infrastructure;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// Time from a backend's death to the first request served by its fallback, per kind of death, against
/// the latency of a request the fallback serves directly (same gateway, same run).
/// </summary>
public static class Failover
{
    public static async Task<string> RunAsync()
    {
        await using var fallback = await Targets.UpstreamAsync();
        await using var resetter = await Targets.UpstreamAsync(reset: true);
        await using var streamer = await Targets.UpstreamAsync();
        using var hole = new BlackHole();
        var refused = Ports.Free();
        var resources = Targets.Resources(
            Targets.Backend("fallback", fallback.Port) + Targets.Backend("dead", refused) + Targets.Backend("resetting", resetter.Port)
            + Targets.Backend("hole", hole.Port) + Targets.Backend("streamer", streamer.Port) + """
              rules:
              - { name: baseline, match: { headers: { x-case: baseline } }, route: { backends: [fallback] } }
              - { name: refused, match: { headers: { x-case: refused } }, route: { backends: [dead, fallback] } }
              - { name: reset, match: { headers: { x-case: reset } }, route: { backends: [resetting, fallback] } }
              - { name: blackhole, match: { headers: { x-case: blackhole } }, route: { backends: [hole, fallback] } }
              - { name: killed, match: { headers: { x-case: killed } }, route: { backends: [streamer, fallback] } }
              proxy: { connectTimeout: 2s }
            """);
        await using var gateway = await Targets.StandaloneAsync(resources);
        using var client = LoadGenerator.Client(64);

        async Task<double> Time(string scenario)
        {
            var ms = await LoadGenerator.SendAsync(client, gateway.BaseAddress, false, [KeyValuePair.Create("x-case", scenario)]);
            if (ms < 0) throw new InvalidOperationException($"{scenario}: the request failed instead of falling back");
            return ms;
        }

        var baseline = new List<double>();
        for (var i = 0; i < 50; i++) baseline.Add(await Time("baseline"));
        baseline.Sort();
        var rows = new List<(string, double)>
        {
            ("connection refused", await Time("refused")),
            ("connection reset", await Time("reset")),
            ("black-holed host (connectTimeout 2 s)", await Time("blackhole")),
        };

        // Killed mid-stream: the client gets an SSE error event; the next request goes to the fallback.
        var streamHeaders = new[] { KeyValuePair.Create("x-case", "killed"), KeyValuePair.Create("x-bench-sse-chunks", "1000"), KeyValuePair.Create("x-bench-sse-interval-ms", "20") };
        using var request = LoadGenerator.Request(gateway.BaseAddress, true, streamHeaders);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[8192];
        _ = await body.ReadAsync(buffer); // the first chunk: the stream is live
        var killed = Stopwatch.GetTimestamp();
        streamer.Kill();
        var tail = new StringBuilder();
        int read;
        try { while ((read = await body.ReadAsync(buffer)) > 0) tail.Append(Encoding.UTF8.GetString(buffer, 0, read)); }
        catch (IOException) { }
        var sawError = tail.ToString().Contains("event: error");
        await Time("killed");
        rows.Add(($"upstream killed mid-stream (client got SSE error event: {(sawError ? "yes" : "no")})", Stopwatch.GetElapsedTime(killed).TotalMilliseconds));

        var report = new StringBuilder();
        report.AppendLine("## Failover: a dead backend's first request, served by the fallback");
        report.AppendLine();
        report.AppendLine($"Baseline: the fallback serving directly through the gateway, p50 {Percentiles.Of(baseline, 50):0.00} ms.");
        report.AppendLine();
        report.AppendLine("| death | time to first served request, ms | ÷ baseline p50 |");
        report.AppendLine("|---|---:|---:|");
        foreach (var (name, ms) in rows) report.AppendLine($"| {name} | {ms:0.0} | {ms / Percentiles.Of(baseline, 50):0.0} |");
        return report.ToString();
    }
}
