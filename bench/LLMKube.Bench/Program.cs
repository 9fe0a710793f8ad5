using System.CommandLine;
using LLMKube.Bench.Infrastructure;
using LLMKube.Bench.Scenarios;

var transitions = new Option<int>("--transitions") { Description = "State transitions to time (propagation).", DefaultValueFactory = _ => 400 };
var seconds = new Option<double>("--seconds") { Description = "Duration of each load cell (overhead).", DefaultValueFactory = _ => 3 };
var concurrency = new Option<int[]>("--concurrency") { Description = "Concurrency levels (overhead).", DefaultValueFactory = _ => [1, 32, 256], AllowMultipleArgumentsPerToken = true };
var port = new Option<int>("--port") { Required = true };
var latency = new Option<int>("--latency-ms") { DefaultValueFactory = _ => 0 };
var reset = new Option<bool>("--reset");
var upstreamUrl = new Option<string>("--upstream") { Required = true };

var propagation = new Command("propagation", "Delay from a state change on gateway A to the new state on gateway B.") { transitions };
propagation.SetAction(async parse => Console.WriteLine(await Propagation.RunAsync(parse.GetValue(transitions))));
var overhead = new Command("overhead", "Direct vs bare YARP vs standalone vs cluster: req/s and latency.") { seconds, concurrency };
overhead.SetAction(async parse => Console.WriteLine(await Overhead.RunAsync(parse.GetValue(concurrency)!, TimeSpan.FromSeconds(parse.GetValue(seconds)))));
var failover = new Command("failover", "Time from a backend's death to the first request served by the fallback.");
failover.SetAction(async _ => Console.WriteLine(await Failover.RunAsync()));
var probes = new Command("probes", "Upstream probes per quarantine expiry with two gateways under load.");
probes.SetAction(async _ => Console.WriteLine(await Probes.RunAsync()));
var memory = new Command("memory", "Gateway RSS at rest, with 1,000 slow SSE streams, and with 50 concurrent 8 MiB bodies.");
memory.SetAction(async _ => Console.WriteLine(await Memory.RunAsync()));
var match = new Command("match", "Rule matching, compiled index vs linear scan, 10/100/1,000 rules (BenchmarkDotNet, in-process short run).");
match.SetAction(_ => MatchingBenchmarks.Run().HasCriticalValidationErrors ? 1 : 0);
var metrics = new Command("metrics", "What recording one request's metrics costs, beside its audit line (BenchmarkDotNet, in-process short run).");
metrics.SetAction(_ => MetricsBenchmarks.Run().HasCriticalValidationErrors ? 1 : 0);
var metricsAb = new Command("metrics-overhead", "The standalone gateway with metrics on vs off, under load, in one run.") { seconds, concurrency };
metricsAb.SetAction(async parse => Console.WriteLine(await MetricsOverhead.RunAsync(parse.GetValue(concurrency)!, TimeSpan.FromSeconds(parse.GetValue(seconds)))));
var all = new Command("all", "Every benchmark, one table each (the default).") { seconds, transitions };
all.SetAction(async parse =>
{
    Console.WriteLine($"# LLMKube.Orleans benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    Console.WriteLine();
    Console.WriteLine(await Overhead.RunAsync([1, 32, 256], TimeSpan.FromSeconds(parse.GetValue(seconds))));
    Console.WriteLine(await Propagation.RunAsync(parse.GetValue(transitions)));
    Console.WriteLine(await Probes.RunAsync());
    Console.WriteLine(await Failover.RunAsync());
    Console.WriteLine(await Memory.RunAsync());
});

// Helper roles, run as child processes by the scenarios.
var upstream = new Command("upstream", "Serve the benchmark upstream.") { port, latency, reset };
upstream.SetAction(parse => BenchUpstream.RunAsync(parse.GetValue(port), parse.GetValue(latency), parse.GetValue(reset)));
var forwarder = new Command("forwarder", "Serve a bare YARP forwarder.") { port, upstreamUrl };
forwarder.SetAction(parse => BareForwarder.RunAsync(parse.GetValue(port), parse.GetValue(upstreamUrl)!));

var root = new RootCommand("LLMKube.Orleans benchmarks: every figure is measured against a baseline from the same run.")
{
    all, overhead, propagation, probes, failover, memory, match, metrics, metricsAb, upstream, forwarder,
};
root.SetAction(parse => root.Parse(["all"]).InvokeAsync());
return await root.Parse(args).InvokeAsync();
