using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using LLMKube.Gateway.Health;
using LLMKube.Gateway.Routing;
using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Bench.Scenarios;

/// <summary>What the matched request looks like.</summary>
public enum MatchCase
{
    /// <summary>Matches an exact-model rule near the end of the list.</summary>
    ExactNearEnd,

    /// <summary>Matches a prefix-glob rule (<c>vendor-N/*</c>) near the end of the list.</summary>
    GlobNearEnd,

    /// <summary>Matches no rule: falls to defaultRoute.</summary>
    NoMatch,
}

/// <summary>
/// <see cref="RuleMatcher.Match"/> (compiled index) against <see cref="RuleMatcher.MatchLinear"/> (every
/// rule in order, the reference) on routers of 10, 100 and 1,000 rules. The rules cycle through four
/// shapes: exact model; prefix glob <c>vendor-N/*</c>; suffix glob <c>*-ftN</c> with a classification;
/// header <c>x-tenant: tN</c> with a complexity. Plans are built without Orleans (no grain is ever called).
/// </summary>
[MemoryDiagnoser]
public class MatchingBenchmarks
{
    private RoutePlan _plan = null!;
    private RequestFeatures _request;

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [Params(MatchCase.ExactNearEnd, MatchCase.GlobNearEnd, MatchCase.NoMatch)]
    public MatchCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plan = BuildPlan(Rules);
        var last = Rules - 1;
        var model = Case switch
        {
            MatchCase.ExactNearEnd => $"model-{last - last % 4}",
            MatchCase.GlobNearEnd => $"vendor-{last - (last - 1) % 4}/llama-3.1-70b-instruct",
            _ => "unknown-model-7b",
        };
        _request = Request(model);
        var expected = Case switch
        {
            MatchCase.ExactNearEnd => $"exact-{last - last % 4}",
            MatchCase.GlobNearEnd => $"prefix-{last - (last - 1) % 4}",
            _ => null,
        };
        // Both implementations must agree and pick the intended rule, or the numbers mean nothing.
        if (RuleMatcher.Match(_plan, _request).Rule?.Config.Name != expected
            || RuleMatcher.MatchLinear(_plan, _request).Rule?.Config.Name != expected)
            throw new InvalidOperationException($"{Case} with {Rules} rules does not match {expected ?? "nothing"}");
    }

    [Benchmark(Baseline = true)]
    public string? Linear() => RuleMatcher.MatchLinear(_plan, _request).Rule?.Config.Name;

    [Benchmark]
    public string? Compiled() => RuleMatcher.Match(_plan, _request).Rule?.Config.Name;

    /// <summary>Runs in-process with a short job (about a minute on 2 cores: 18 cases, 3 warmups + 6 iterations of 120 ms each) and returns the summary.</summary>
    public static Summary Run()
    {
        var job = Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithIterationTime(TimeInterval.FromMilliseconds(120))
            .WithIterationCount(6)
            .WithId("ShortRun-InProcess");
        var config = DefaultConfig.Instance
            .AddJob(job)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "llmkube-bench-artifacts"))
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared));
        return BenchmarkRunner.Run<MatchingBenchmarks>(config);
    }

    internal static RoutePlan BuildPlan(int ruleCount)
    {
        BackendConfig[] backends =
        [
            Backend("local-qwen", BackendTier.Local),
            Backend("cloud-opus", BackendTier.Cloud),
            Backend("cloud-gpt", BackendTier.Cloud),
        ];
        var rules = new RuleConfig[ruleCount];
        for (var i = 0; i < ruleCount; i++)
        {
            var backend = backends[i % backends.Length].Name;
            rules[i] = (i % 4) switch
            {
                0 => Rule($"exact-{i}", backend, models: [$"model-{i}"]),
                1 => Rule($"prefix-{i}", backend, models: [$"vendor-{i}/*"]),
                2 => Rule($"suffix-{i}", backend, models: [$"*-ft{i}"], classification: ["internal"]),
                _ => Rule($"header-{i}", backend, headers: [new HeaderCondition("x-tenant", $"t{i}")], complexity: "complex"),
            };
        }
        var config = new RouterConfig(new LLMKube.Grains.Api.ObjectKey("default", "bench"), "hash", backends, rules, "local-qwen", false,
            "x-data-classification", ["pii"], RouterTimers.Default);
        var runtimes = backends.ToDictionary(
            b => b.Name,
            b => new BackendRuntime(b, BackendHealth.Healthy, null!, "bench", RoutingClock.System),
            StringComparer.Ordinal);
        return new RoutePlan(new RoutingSnapshot(Guid.NewGuid(), 1, config, new Dictionary<string, BackendHealth>()), runtimes, DateTimeOffset.UtcNow);
    }

    private static RequestFeatures Request(string model)
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary
        {
            ["content-type"] = "application/json",
            ["authorization"] = "Bearer sk-bench",
            ["user-agent"] = "OpenAI/Python 1.54.0",
            ["x-tenant"] = "t-unknown",
            ["x-data-classification"] = "internal",
            [RouterConfig.TaskComplexityHeader] = "simple",
        };
        return RequestFeatures.From(model, headers, "x-data-classification");
    }

    private static BackendConfig Backend(string name, BackendTier tier)
        => new(name, name, tier, $"http://{name}.invalid", "openai", null, [], 0, null, null, null, null);

    private static RuleConfig Rule(string name, string backend, string[]? models = null, string[]? classification = null,
        HeaderCondition[]? headers = null, string? complexity = null)
        => new(name, classification ?? [], complexity, [], headers ?? [], models ?? [], [backend],
            RouteStrategy.PrimaryFallback, false, null);
}
