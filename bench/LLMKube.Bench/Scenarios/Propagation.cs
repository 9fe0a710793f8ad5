using System.Diagnostics;
using LLMKube.Bench.Infrastructure;
using LLMKube.Gateway.Routing;
using LLMKube.Grains.Backends;

namespace LLMKube.Bench.Scenarios;

/// <summary>
/// Propagation delay of a state change: gateway A records an attempt outcome that changes a backend's
/// state (the same call the dispatcher makes after a failed or successful attempt); we time until
/// gateway B's routing plan shows the new state. Alternates failure and success so every report is a
/// transition. One silo, two gateways, real Redis, all on loopback.
/// </summary>
public static class Propagation
{
    public static async Task<string> RunAsync(int transitions)
    {
        var resources = Directory.CreateTempSubdirectory("llmkube-bench-").FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "router.yaml"), """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: bench, namespace: default }
            spec:
              backends:
              - name: x
                tier: local
                external: { provider: openai, url: "http://127.0.0.1:9", model: m }
              defaultRoute: x
              # A success lifts a quarantine only once it has run out: keep it short, so every report is a transition.
              proxy: { quarantineDuration: 1ms }
            """);
        await using var rig = await ClusterRig.StartAsync(resources, gateways: 2, router: "default/bench");
        var a = rig.Gateways[0].Services.GetRequiredService<RoutingState>();
        var b = rig.Gateways[1].Services.GetRequiredService<RoutingState>();

        var samples = new List<double>(transitions);
        for (var i = 0; i < transitions + 20; i++)
        {
            var failure = i % 2 == 0;
            var expected = failure ? CircuitState.Open : CircuitState.Closed;
            // Let A's own view settle first (the push of the previous transition), so every report is a transition.
            while (a.Current!.ByName["x"].Effective.State == expected || a.Current.Snapshot.Backends["x"].State == expected) await Task.Delay(1);
            if (!failure) await Task.Delay(2); // past the 1 ms quarantine

            var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnApplied(RoutePlan plan)
            {
                if (plan.Snapshot.Backends["x"].State == expected) seen.TrySetResult(Stopwatch.GetTimestamp());
            }
            b.Applied += OnApplied;
            var start = Stopwatch.GetTimestamp();
            a.Current.ByName["x"].OnOutcome(failure ? AttemptVerdict.Failure : AttemptVerdict.Success, failure ? "bench" : null, null, wasProbe: false);
            var end = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            b.Applied -= OnApplied;
            if (i >= 20) samples.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds); // the first 20 warm up
        }
        samples.Sort();
        return $"""
            ## Propagation: failure seen by gateway A → backend excluded on gateway B
            transitions: {samples.Count}; p50 {Percentiles.Of(samples, 50):0.00} ms; p90 {Percentiles.Of(samples, 90):0.00} ms; p99 {Percentiles.Of(samples, 99):0.00} ms; max {samples[^1]:0.00} ms (target p99 ≤ 50 ms)
            """;
    }
}
