using System.Collections.Frozen;
using System.Text.Json;
using LLMKube.Gateway.Health;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// A routing snapshot compiled for the request path: rules with their candidate backends resolved
/// to runtimes, lookups frozen. Immutable; replaced as a whole when a new snapshot arrives.
/// </summary>
internal sealed class RoutePlan
{
    public RoutePlan(RoutingSnapshot snapshot, IReadOnlyDictionary<string, BackendRuntime> runtimes, DateTimeOffset received)
    {
        Snapshot = snapshot;
        Received = received;
        var config = snapshot.Config;
        Namespace = config.Router.Namespace;
        Backends = config.Backends.Select(b => runtimes[b.Name]).ToArray();
        ByName = Backends.ToFrozenDictionary(b => b.Config.Name, StringComparer.Ordinal);
        var byPublished = new Dictionary<string, BackendRuntime>(StringComparer.Ordinal);
        foreach (var backend in Backends) byPublished.TryAdd(backend.Config.PublishedId, backend);
        ByPublishedId = byPublished.ToFrozenDictionary(StringComparer.Ordinal);
        Rules = config.Rules.Select(r => new CompiledRule(r, r.Backends.Select(n => ByName[n]).ToArray())).ToArray();
        DefaultRoute = config.DefaultRoute is { } name ? ByName[name] : null;
        Matcher = new CompiledMatcher(Rules, config.BackendNameMatch, ByPublishedId, DefaultRoute);
        Sensitive = config.SensitiveClassifications.ToFrozenSet(StringComparer.Ordinal);
        ModelsJson = BuildModels(config, received);
    }

    public RoutingSnapshot Snapshot { get; }

    public RouterConfig Config => Snapshot.Config;

    /// <summary>The router's namespace, where its Secrets live.</summary>
    public string Namespace { get; }

    /// <summary>When this gateway received the snapshot.</summary>
    public DateTimeOffset Received { get; }

    public BackendRuntime[] Backends { get; }

    public FrozenDictionary<string, BackendRuntime> ByName { get; }

    public FrozenDictionary<string, BackendRuntime> ByPublishedId { get; }

    public CompiledRule[] Rules { get; }

    /// <summary><see cref="Rules"/> indexed for <see cref="RuleMatcher.Match"/>.</summary>
    public CompiledMatcher Matcher { get; }

    public BackendRuntime? DefaultRoute { get; }

    public FrozenSet<string> Sensitive { get; }

    /// <summary>The <c>GET /v1/models</c> body, built once per snapshot.</summary>
    public byte[] ModelsJson { get; }

    private static byte[] BuildModels(RouterConfig config, DateTimeOffset created)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var backend in config.Backends)
            {
                writer.WriteStartObject();
                writer.WriteString("id", backend.ModelsId);
                writer.WriteString("object", "model");
                writer.WriteNumber("created", created.ToUnixTimeSeconds());
                writer.WriteString("owned_by", backend.Provider ?? "llmkube");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>A rule with its candidates resolved and its static conditions precomputed.</summary>
internal sealed class CompiledRule
{
    public CompiledRule(RuleConfig config, BackendRuntime[] candidates)
    {
        Config = config;
        Candidates = candidates;
        // requiredCapabilities depends only on the config: at least one routed backend must have them all.
        CapabilitiesSatisfied = config.RequiredCapabilities.Length == 0
            || candidates.Any(c => config.RequiredCapabilities.All(c.Config.Capabilities.Contains));
        ModelsHasStar = config.Models.Contains("*");
    }

    public RuleConfig Config { get; }

    public BackendRuntime[] Candidates { get; }

    public bool CapabilitiesSatisfied { get; }

    public bool ModelsHasStar { get; }
}
