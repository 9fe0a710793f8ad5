using LLMKube.Bench.Infrastructure;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// Upstream probes per quarantine expiry, cluster-wide: two gateways under steady load, a backend that
/// keeps failing with a 1 s quarantine; every expiry (1 s, then 2 s, 4 s backoff) must admit exactly one probe.
/// </summary>
public static class Probes
{
    public static async Task<string> RunAsync()
    {
        await using var failing = await Targets.UpstreamAsync();
        await using var fallback = await Targets.UpstreamAsync();
        var resources = Targets.Resources(Targets.Backend("failing", failing.Port) + Targets.Backend("fallback", fallback.Port) + """
              rules:
              - { name: all, route: { backends: [failing, fallback] } }
              proxy: { quarantineDuration: 1s }
            """);
        await using var redis = await LocalRedis.StartAsync();
        var service = "bench" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await Targets.SiloAsync(redis, service, resources);
        await using var a = await Targets.ClusterGatewayAsync(redis, service, "default/bench");
        await using var b = await Targets.ClusterGatewayAsync(redis, service, "default/bench");
        using var admin = new HttpClient { BaseAddress = failing.BaseAddress };
        (await admin.PostAsync("/_mode?status=500", null)).Dispose();

        var load = LoadGenerator.RunAsync([a.BaseAddress, b.BaseAddress], 16, TimeSpan.FromSeconds(8.5), stream: false);
        await Task.Delay(500);
        var start = long.Parse(await admin.GetStringAsync("/_stats")); // the first failures, seen by both gateways
        await load;
        var probes = long.Parse(await admin.GetStringAsync("/_stats")) - start;
        var result = await load;
        // After the first quarantine (opened within the first 0.5 s): expiries near 1 s, 3 s and 7 s of the 8 s window.
        return $"""
            ## Half-open probes, 2 gateways × 8 workers, backend failing throughout (quarantine 1 s, doubling)
            load: {result.RequestsPerSecond:0} req/s, {result.Errors} errors; upstream probes in 8 s: {probes} (expected 3: one per expiry at ~1 s, ~3 s, ~7 s)
            """;
    }
}
