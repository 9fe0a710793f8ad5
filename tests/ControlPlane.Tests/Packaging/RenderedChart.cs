using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace LLMKube.ControlPlane.Tests.Packaging;

/// <summary>The objects a chart rendering produced, as JSON, with lookups by kind and name.</summary>
public sealed class RenderedChart(string yaml)
{
    public string Yaml { get; } = yaml;

    public IReadOnlyList<JsonObject> Objects { get; } = Parse(yaml);

    public JsonObject Single(string kind, string name)
        => Objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>A <c>v1 List</c> (JSON, which kubectl reads) of the objects <paramref name="keep"/> selects.</summary>
    public string ListOf(Func<JsonObject, bool> keep)
        => new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray([.. Objects.Where(keep).Select(o => o.DeepClone())]) }.ToJsonString();

    /// <summary>The objects except those of <paramref name="kinds"/> (whose CRDs the test API server lacks), as a List.</summary>
    public string Without(params string[] kinds) => ListOf(o => !kinds.Contains((string?)o["kind"]));

    /// <summary>Every value of <paramref name="property"/> anywhere under <paramref name="node"/>.</summary>
    public static IEnumerable<JsonNode?> FindAll(JsonNode? node, string property)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == property) yield return value;
                    foreach (var inner in FindAll(value, property)) yield return inner;
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    foreach (var inner in FindAll(item, property)) yield return inner;
                break;
        }
    }

    /// <summary>A JSON text with object keys sorted and nulls dropped, so equal documents compare equal.</summary>
    public static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sort)]),
        _ => node?.DeepClone(),
    };

    private static List<JsonObject> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        var serializer = new SerializerBuilder().JsonCompatible().Build();
        var objects = new List<JsonObject>();
        foreach (var document in yaml.Split("\n---", StringSplitOptions.RemoveEmptyEntries))
        {
            var value = deserializer.Deserialize<object?>(document);
            if (value is null) continue;
            objects.Add(JsonNode.Parse(serializer.Serialize(value))!.AsObject());
        }
        return objects;
    }
}
