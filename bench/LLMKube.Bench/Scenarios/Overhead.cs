using System.Text;
using LLMKube.Bench.Infrastructure;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// Requests/s and latency for (a) the upstream directly, (b) a bare YARP forwarder, (c) the standalone
/// gateway, (d) cluster mode (one silo, two gateways, load split across both), small JSON bodies and
/// SSE (time to first chunk), at fixed concurrency levels; ratios against (b) from the same run.
/// The targets take turns in short rounds, so background noise on a shared machine hits them alike.
/// </summary>
public static class Overhead
{
    private const int Rounds = 5;

    public static async Task<string> RunAsync(int[] concurrencies, TimeSpan duration)
    {
        await using var upstream = await Targets.UpstreamAsync();
        await using var forwarder = await Targets.ForwarderAsync(upstream);
        var resources = Targets.Resources(Targets.Backend("local", upstream.Port) + "  defaultRoute: local\n");
        await using var standalone = await Targets.StandaloneAsync(resources);
        await using var redis = await LocalRedis.StartAsync();
        var service = "bench" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await Targets.SiloAsync(redis, service, resources);
        await using var gateway1 = await Targets.ClusterGatewayAsync(redis, service, "default/bench");
        await using var gateway2 = await Targets.ClusterGatewayAsync(redis, service, "default/bench");

        var targets = new (string Name, Uri[] Uris)[]
        {
            ("(a) direct", [upstream.BaseAddress]),
            ("(b) bare YARP", [forwarder.BaseAddress]),
            ("(c) standalone", [standalone.BaseAddress]),
            ("(d) cluster, 2 gateways", [gateway1.BaseAddress, gateway2.BaseAddress]),
        };
        var report = new StringBuilder();
        report.AppendLine("## Overhead (closed loop, loopback, 2 cores shared with the load generator)");
        report.AppendLine();
        report.AppendLine("| body | conc. | target | req/s | p50 ms | p90 ms | p99 ms | errors | added p50 ÷ YARP's | req/s ÷ YARP's |");
        report.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var stream in new[] { false, true })
        {
            var headers = stream ? new[] { KeyValuePair.Create("x-bench-sse-chunks", "5") } : null;
            foreach (var concurrency in concurrencies)
            {
                var clients = targets.Select(_ => LoadGenerator.Client(concurrency)).ToArray();
                var rounds = targets.Select(_ => new List<(List<double>, double, int)>()).ToArray();
                for (var round = 0; round < Rounds; round++)
                    for (var i = 0; i < targets.Length; i++)
                        rounds[i].Add(await LoadGenerator.RoundAsync(clients[i], targets[i].Uris, concurrency, duration / Rounds, stream, headers));
                foreach (var client in clients) client.Dispose();
                var results = rounds.Select(LoadResult.Combine).ToList();
                var direct = results[0];
                var yarp = results[1];
                for (var i = 0; i < targets.Length; i++)
                {
                    var r = results[i];
                    var added = i == 0 ? "" : Ratio(r.P50Ms - direct.P50Ms, yarp.P50Ms - direct.P50Ms);
                    var throughput = i == 0 ? "" : $"{r.RequestsPerSecond / yarp.RequestsPerSecond:0.00}";
                    report.AppendLine($"| {(stream ? "SSE (TTFC)" : "JSON")} | {concurrency} | {targets[i].Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.000} | {r.P90Ms:0.000} | {r.P99Ms:0.000} | {r.Errors} | {added} | {throughput} |");
                }
            }
        }
        report.AppendLine();
        report.AppendLine("Added p50 = target p50 − direct p50. Targets: added p50 ≤ 1.10× YARP's; req/s ≥ 0.90× YARP's.");
        return report.ToString();
    }

    private static string Ratio(double value, double baseline) => baseline <= 0.001 ? "n/a" : $"{value / baseline:0.00}";
}
