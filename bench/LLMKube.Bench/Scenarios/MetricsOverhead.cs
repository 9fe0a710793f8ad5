using System.Text;
using LLMKube.Bench.Infrastructure;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// The cost of metrics under load, as an A/B in one run: the same standalone gateway with metrics on (the default)
/// and off (<c>--Telemetry:Metrics=false</c>), taking turns in short rounds so background noise hits both alike.
/// </summary>
public static class MetricsOverhead
{
    private const int Rounds = 6;

    public static async Task<string> RunAsync(int[] concurrencies, TimeSpan duration)
    {
        await using var upstream = await Targets.UpstreamAsync();
        var resources = Targets.Resources(Targets.Backend("local", upstream.Port) + "  defaultRoute: local\n");
        await using var on = await Targets.StandaloneAsync(resources);
        await using var off = await Targets.StandaloneAsync(resources, extra: ["--Telemetry:Metrics=false"]);
        var targets = new (string Name, Uri Uri)[] { ("metrics off", off.BaseAddress), ("metrics on", on.BaseAddress) };

        var report = new StringBuilder();
        report.AppendLine("## Metrics on vs off (standalone gateway, closed loop, loopback)");
        report.AppendLine();
        report.AppendLine("| body | conc. | metrics | req/s | p50 ms | p99 ms | errors | p50 ÷ off | req/s ÷ off |");
        report.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var stream in new[] { false, true })
        {
            var headers = stream ? new[] { KeyValuePair.Create("x-bench-sse-chunks", "5") } : null;
            foreach (var concurrency in concurrencies)
            {
                var clients = targets.Select(_ => LoadGenerator.Client(concurrency)).ToArray();
                var rounds = targets.Select(_ => new List<(List<double>, double, int)>()).ToArray();
                for (var round = 0; round < Rounds; round++)
                    for (var i = 0; i < targets.Length; i++)
                        rounds[(i + round) % targets.Length].Add(await LoadGenerator.RoundAsync(clients[(i + round) % targets.Length],
                            [targets[(i + round) % targets.Length].Uri], concurrency, duration / Rounds, stream, headers));
                foreach (var client in clients) client.Dispose();
                var results = rounds.Select(LoadResult.Combine).ToList();
                for (var i = 0; i < targets.Length; i++)
                {
                    var r = results[i];
                    report.AppendLine($"| {(stream ? "SSE (TTFC)" : "JSON")} | {concurrency} | {targets[i].Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.000} | {r.P99Ms:0.000} | {r.Errors} | "
                        + $"{r.P50Ms / results[0].P50Ms:0.00} | {r.RequestsPerSecond / results[0].RequestsPerSecond:0.00} |");
                }
            }
        }
        report.AppendLine();
        report.AppendLine("The two take turns (alternating which goes first); ratios compare on with off in the same run.");
        return report.ToString();
    }
}
