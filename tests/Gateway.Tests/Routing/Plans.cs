using LLMKube.Grains.Api;
using LLMKube.Gateway.Health;
using LLMKube.Gateway.Routing;
using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Primitives;

namespace LLMKube.Gateway.Tests.Routing;

/// <summary>Builds <see cref="RoutePlan"/>s without Orleans: matching never calls a backend's grain.</summary>
internal static class Plans
{
    public static BackendConfig Backend(string name, string? publishedId = null, params string[] capabilities)
        => new(name, publishedId ?? name, BackendTier.Local, $"http://{name}.invalid", "openai", null, capabilities, 0, null, null, null, null);

    public static RuleConfig Rule(
        string name,
        string[] backends,
        string[]? models = null,
        string[]? classification = null,
        string? complexity = null,
        (string Name, string Value)[]? headers = null,
        string[]? capabilities = null,
        RouteStrategy strategy = RouteStrategy.PrimaryFallback,
        bool failClosed = false)
        => new(name, classification ?? [], complexity, capabilities ?? [],
            [.. (headers ?? []).Select(h => new HeaderCondition(h.Name, h.Value))],
            models ?? [], backends, strategy, failClosed, null);

    public static RoutePlan Build(BackendConfig[] backends, RuleConfig[] rules, string? defaultRoute = null, bool backendNameMatch = false)
    {
        var config = new RouterConfig(new ObjectKey("default", "test"), "hash", backends, rules, defaultRoute, backendNameMatch,
            "x-data-classification", ["pii"], RouterTimers.Default);
        var runtimes = backends.ToDictionary(
            b => b.Name,
            b => new BackendRuntime(b, BackendHealth.Healthy, null!, "test", RoutingClock.System),
            StringComparer.Ordinal);
        var snapshot = new RoutingSnapshot(Guid.NewGuid(), 1, config, new Dictionary<string, BackendHealth>());
        return new RoutePlan(snapshot, runtimes, DateTimeOffset.UnixEpoch);
    }

    public static RequestFeatures Request(string model, string classification = "", string complexity = "", params (string Name, StringValues Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return new RequestFeatures(model, classification, complexity, dictionary);
    }
}
