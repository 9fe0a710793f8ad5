using System.Collections.Frozen;
using System.Text.Json;
using LLMKube.Gateway.Health;
using LLMKube.Grains.Backends;
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
        (ModelsJson, ModelJson) = BuildModels(config, snapshot.Backends, received);
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

    /// <summary>
    /// The <c>GET /v1/models</c> body, built once per snapshot: each model id once, in backend order. An id whose every
    /// backend is out of rotation carries <c>"available": false</c> and the reason, so clients see it is coming back.
    /// </summary>
    public byte[] ModelsJson { get; }

    /// <summary>The <c>GET /v1/models/{id}</c> bodies by id.</summary>
    public FrozenDictionary<string, byte[]> ModelJson { get; }

    private static (byte[] List, FrozenDictionary<string, byte[]> ById) BuildModels(RouterConfig config, IReadOnlyDictionary<string, BackendHealth> health, DateTimeOffset created)
    {
        var order = new List<BackendConfig>();
        var blocked = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var backend in config.Backends)
        {
            var reason = health.GetValueOrDefault(backend.Name)?.Blocked;
            if (!blocked.TryGetValue(backend.ModelsId, out var known))
            {
                order.Add(backend);
                blocked[backend.ModelsId] = reason;
            }
            else if (known is not null)
            {
                blocked[backend.ModelsId] = reason; // one backend in rotation makes the id available
            }
        }
        var byId = order.ToDictionary(b => b.ModelsId, b => Json(writer => WriteModel(writer, b, blocked[b.ModelsId], created)), StringComparer.Ordinal);
        var list = Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var backend in order) writer.WriteRawValue(byId[backend.ModelsId], skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        return (list, byId.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static void WriteModel(Utf8JsonWriter writer, BackendConfig backend, string? blocked, DateTimeOffset created)
    {
        writer.WriteStartObject();
        writer.WriteString("id", backend.ModelsId);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", created.ToUnixTimeSeconds());
        writer.WriteString("owned_by", backend.Provider ?? "llmkube");
        if (blocked is not null)
        {
            writer.WriteBoolean("available", false);
            writer.WriteString("unavailable_reason", blocked);
        }
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
