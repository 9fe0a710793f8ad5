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
        var config = snapshot.Config;
        Namespace = config.Router.Namespace;
        RouterName = config.Router.ToString();
        Backends = config.Backends.Select(b => runtimes[b.Name]).ToArray();
        ByName = Backends.ToFrozenDictionary(b => b.Config.Name, StringComparer.Ordinal);
        var byPublished = new Dictionary<string, BackendRuntime>(StringComparer.Ordinal);
        foreach (var backend in Backends) byPublished.TryAdd(backend.Config.PublishedId, backend);
        ByPublishedId = byPublished.ToFrozenDictionary(StringComparer.Ordinal);
        Rules = config.Rules.Select(r => new CompiledRule(r, r.Backends.Select(n => ByName[n]).ToArray())).ToArray();
        DefaultRoute = config.DefaultRoute is { } name ? ByName[name] : null;
        Matcher = new CompiledMatcher(Rules, config.BackendNameMatch, ByPublishedId, DefaultRoute);
        Sensitive = config.SensitiveClassifications.ToFrozenSet(StringComparer.Ordinal);
        (ModelsJson, ModelJson) = BuildModels(config, received);
    }

    public RoutingSnapshot Snapshot { get; }

    public RouterConfig Config => Snapshot.Config;

    /// <summary><c>namespace/name</c>, formatted once for the audit line.</summary>
    public string RouterName { get; }

    /// <summary>The router's namespace, where its Secrets live.</summary>
    public string Namespace { get; }

    public BackendRuntime[] Backends { get; }

    public FrozenDictionary<string, BackendRuntime> ByName { get; }

    public FrozenDictionary<string, BackendRuntime> ByPublishedId { get; }

    public CompiledRule[] Rules { get; }

    /// <summary><see cref="Rules"/> indexed for <see cref="RuleMatcher.Match"/>.</summary>
    public CompiledMatcher Matcher { get; }

    public BackendRuntime? DefaultRoute { get; }

    public FrozenSet<string> Sensitive { get; }

    /// <summary>The <c>GET /v1/models</c> body, built once per snapshot: each model id once, in backend order.</summary>
    public byte[] ModelsJson { get; }

    /// <summary>The <c>GET /v1/models/{id}</c> bodies by id.</summary>
    public FrozenDictionary<string, byte[]> ModelJson { get; }

    private static (byte[] List, FrozenDictionary<string, byte[]> ById) BuildModels(RouterConfig config, DateTimeOffset created)
    {
        var byId = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var backend in config.Backends)
        {
            if (byId.ContainsKey(backend.ModelsId)) continue;
            byId[backend.ModelsId] = Json(writer => WriteModel(writer, backend, created));
            order.Add(backend.ModelsId);
        }
        var list = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var id in order) writer.WriteRawValue(byId[id], skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return (list, byId.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static void WriteModel(Utf8JsonWriter writer, BackendConfig backend, DateTimeOffset created)
    {
        writer.WriteStartObject();
        writer.WriteString("id", backend.ModelsId);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", created.ToUnixTimeSeconds());
        writer.WriteString("owned_by", backend.Provider ?? "llmkube");
        writer.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        return buffer.ToArray();
    }
}
