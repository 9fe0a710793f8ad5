using System.Collections.Concurrent;
using System.Text.Json;
using LLMKube.Grains.Api;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// The last seen state of every watched object, by resource plural and <c>namespace/name</c>, as raw JSON. Filled by the
/// watches; read by the dispatchers to build what they send to grains.
/// </summary>
public sealed class WatchCache
{
    /// <summary>How objects from the API server are read as our API types (the admission webhook reads them the same way).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonElement>> _cache = new(StringComparer.Ordinal);

    /// <summary>The objects of <paramref name="plural"/> by <c>namespace/name</c>.</summary>
    public ConcurrentDictionary<string, JsonElement> Of(string plural) => _cache.GetOrAdd(plural, _ => new(StringComparer.Ordinal));

    /// <summary>One object as JSON; <c>default</c> (Undefined) when absent.</summary>
    public JsonElement Get(string plural, string ns, string name) => Of(plural).GetValueOrDefault($"{ns}/{name}");

    /// <summary>One object deserialized as one of our API types; null when absent.</summary>
    public T? Get<T>(string plural, string ns, string name) where T : KubeObject
        => Of(plural).TryGetValue($"{ns}/{name}", out var item) ? item.Deserialize<T>(Json) : null;

    /// <summary>Every object of <paramref name="plural"/> in <paramref name="ns"/>, deserialized.</summary>
    public List<T> All<T>(string plural, string ns) where T : KubeObject
        => [.. Of(plural).Where(p => NamespaceOf(p.Key) == ns).Select(p => p.Value.Deserialize<T>(Json)).OfType<T>()];

    /// <summary>The names of every object of <paramref name="plural"/> in <paramref name="ns"/>.</summary>
    public List<string> Names(string plural, string ns)
        => [.. Of(plural).Keys.Where(k => NamespaceOf(k) == ns).Select(k => k[(ns.Length + 1)..])];

    /// <summary>
    /// Replaces everything of <paramref name="plural"/> in <paramref name="ns"/> (every namespace when null) with a
    /// fresh list; returns the keys that are gone. Other namespaces' objects are another watch's.
    /// </summary>
    public IReadOnlyList<string> Replace(string plural, string? ns, IReadOnlyList<JsonElement> items)
    {
        var cache = Of(plural);
        var fresh = items.ToDictionary(KeyOf, i => i, StringComparer.Ordinal);
        var gone = cache.Keys.Where(k => (ns is null || NamespaceOf(k) == ns) && !fresh.ContainsKey(k)).ToList();
        foreach (var key in gone) cache.TryRemove(key, out _);
        foreach (var (key, item) in fresh) cache[key] = item;
        return gone;
    }

    /// <summary><c>namespace/name</c> of a watched object.</summary>
    public static string KeyOf(JsonElement item)
    {
        var meta = item.GetProperty("metadata");
        var ns = meta.TryGetProperty("namespace", out var n) ? n.GetString() : null;
        return $"{(string.IsNullOrEmpty(ns) ? ObjectKey.DefaultNamespace : ns)}/{meta.GetProperty("name").GetString()}";
    }

    public static string NamespaceOf(string key) => key[..key.IndexOf('/', StringComparison.Ordinal)];

    public static string NameOf(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>An annotation of a watched object, or null.</summary>
    public static string? Annotation(JsonElement item, string annotation)
        => item.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("annotations", out var annotations)
           && annotations.TryGetProperty(annotation, out var value) ? value.GetString() : null;

    /// <summary>A label of a watched object, or null.</summary>
    public static string? Label(JsonElement item, string label)
        => item.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("labels", out var labels)
           && labels.TryGetProperty(label, out var value) ? value.GetString() : null;
}
