using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using LLMKube.Grains.Api;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization.NamingConventions;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Checks the YAML events of one object against the C# type it deserializes into, as kubectl's
/// strict field validation does: a node of the wrong shape is an error, a key that maps to no
/// property is a warning. The C# types are the schema (public settable properties, camelCase),
/// read by reflection once per type. Map keys are free; aliases are not followed.
/// </summary>
internal static class SchemaWalker
{
    private const string StatusField = "status";

    // Keys Kubernetes writes or accepts that the C# types do not carry; their values are not read.
    private static readonly Dictionary<Type, string[]> _untypedFields = new()
    {
        [typeof(ObjectMeta)] =
        [
            "creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp", "finalizers",
            "generateName", "managedFields", "ownerReferences", "selfLink",
        ],
        [typeof(Secret)] = ["immutable"],
    };

    private static readonly ConcurrentDictionary<Type, Shape> _shapes = new();

    /// <summary>Walks the node at <paramref name="node"/> as a <paramref name="type"/>, adding what it finds.</summary>
    public static void Walk(IReadOnlyList<ParsingEvent> events, int node, Type type, List<Finding> errors, List<Finding> warnings) =>
        new Walker(events, errors, warnings).Walk(node, ShapeOf(type), "", reportUnknown: true);

    private static Shape ShapeOf(Type type) => _shapes.GetOrAdd(type, Build);

    private static Shape Build(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object))
        {
            return Shape.Free;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal))
        {
            return new(ShapeKind.Scalar);
        }

        if (Generic(type, typeof(IDictionary<,>)) is { } dictionary)
        {
            return new(ShapeKind.Map, Element: dictionary.GetGenericArguments()[1]);
        }

        if (Generic(type, typeof(IEnumerable<>)) is { } enumerable)
        {
            return new(ShapeKind.Sequence, Element: enumerable.GetGenericArguments()[0]);
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            return Shape.Free;
        }

        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                fields[CamelCaseNamingConvention.Instance.Apply(property.Name)] = new(property.PropertyType, ReportUnknown: true);
            }
        }

        foreach (var name in _untypedFields.Where(pair => pair.Key.IsAssignableFrom(type)).SelectMany(pair => pair.Value))
        {
            fields[name] = new(null, ReportUnknown: false);
        }

        if (typeof(KubeObject).IsAssignableFrom(type))
        {
            // The controller writes status (conditions, ...); what the type reads of it is still checked for shape.
            fields[StatusField] = new(fields.GetValueOrDefault(StatusField)?.Type, ReportUnknown: false);
        }

        return new(ShapeKind.Object, Fields: fields);
    }

    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    private static string Describe(ParsingEvent node) => node switch
    {
        MappingStart => "a mapping",
        SequenceStart => "a sequence",
        _ => "a scalar",
    };

    /// <summary>True for an untagged plain null: empty, <c>~</c> or <c>null</c>.</summary>
    public static bool IsNull(ParsingEvent node) =>
        node is Scalar { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" } scalar && scalar.Tag.IsEmpty;

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Something found at an event: the field path and what is wrong.</summary>
    internal readonly record struct Finding(ParsingEvent At, string Path, string Message);

    private enum ShapeKind
    {
        Free,
        Scalar,
        Sequence,
        Map,
        Object,
    }

    private sealed record Field(Type? Type, bool ReportUnknown);

    private sealed record Shape(ShapeKind Kind, Type? Element = null, IReadOnlyDictionary<string, Field>? Fields = null)
    {
        public static Shape Free { get; } = new(ShapeKind.Free);
    }

    // Recursion follows the nesting of the C# types, not of the YAML: free and unknown nodes are skipped flat.
    private readonly struct Walker(IReadOnlyList<ParsingEvent> events, List<Finding> errors, List<Finding> warnings)
    {
        public void Walk(int index, Shape shape, string path, bool reportUnknown)
        {
            var node = events[index];
            if (shape.Kind == ShapeKind.Free || node is AnchorAlias || IsNull(node))
            {
                return;
            }

            var expected = shape.Kind switch
            {
                ShapeKind.Scalar => node is Scalar ? null : "a scalar",
                ShapeKind.Sequence => node is SequenceStart ? null : "a sequence",
                _ => node is MappingStart ? null : "a mapping",
            };
            if (expected is not null)
            {
                errors.Add(new(node, path, $"expected {expected}, got {Describe(node)}"));
            }
            else if (shape.Kind == ShapeKind.Sequence)
            {
                var element = ShapeOf(shape.Element!);
                for (int i = index + 1, position = 0; events[i] is not SequenceEnd; i = YamlEvents.SkipNode(events, i), position++)
                {
                    Walk(i, element, $"{path}[{position}]", reportUnknown);
                }
            }
            else if (shape.Kind is ShapeKind.Map or ShapeKind.Object)
            {
                WalkMapping(index, shape, path, reportUnknown);
            }
        }

        private void WalkMapping(int index, Shape shape, string path, bool reportUnknown)
        {
            var element = shape.Element is null ? null : ShapeOf(shape.Element);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = index + 1; events[i] is not MappingEnd;)
            {
                var value = YamlEvents.SkipNode(events, i);
                if (events[i] is Scalar { Value: var key } keyEvent)
                {
                    var childPath = Child(path, key);
                    if (!seen.Add(key) && reportUnknown)
                    {
                        warnings.Add(new(keyEvent, childPath, "duplicate field; the last value is used"));
                    }

                    if (element is not null)
                    {
                        Walk(value, element, childPath, reportUnknown);
                    }
                    else if (shape.Fields!.TryGetValue(key, out var field))
                    {
                        Walk(value, field.Type is null ? Shape.Free : ShapeOf(field.Type), childPath, reportUnknown && field.ReportUnknown);
                    }
                    else if (reportUnknown)
                    {
                        warnings.Add(new(keyEvent, childPath, key == "<<" ? "merge keys are not supported; the merged fields are ignored" : "unknown field"));
                    }
                }

                i = YamlEvents.SkipNode(events, value);
            }
        }
    }
}
