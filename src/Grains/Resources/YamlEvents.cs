using YamlDotNet.Core.Events;

namespace LLMKube.Grains.Resources;

/// <summary>Navigation over a flat list of YAML parser events: node extents, mapping fields, field paths.</summary>
internal static class YamlEvents
{
    /// <summary>The index just past the node (scalar, alias, mapping or sequence) that starts at <paramref name="index"/>.</summary>
    public static int SkipNode(IReadOnlyList<ParsingEvent> events, int index)
    {
        var depth = 0;
        do
        {
            depth += events[index].NestingIncrease;
            index++;
        }
        while (depth > 0);

        return index;
    }

    /// <summary>The value extent of each scalar key of the mapping starting at <paramref name="mapping"/>; empty for a non-mapping.</summary>
    public static Dictionary<string, Range> Fields(IReadOnlyList<ParsingEvent> events, int mapping)
    {
        var fields = new Dictionary<string, Range>(StringComparer.Ordinal);
        if (events[mapping] is not MappingStart)
        {
            return fields;
        }

        var i = mapping + 1;
        while (events[i] is not MappingEnd)
        {
            var valueStart = SkipNode(events, i);
            var valueEnd = SkipNode(events, valueStart);
            if (events[i] is Scalar key)
            {
                fields[key.Value] = new(valueStart, valueEnd);
            }

            i = valueEnd;
        }

        return fields;
    }

    /// <summary>The value of the scalar field <paramref name="name"/> of the mapping at <paramref name="mapping"/>, if any.</summary>
    public static string? ScalarField(IReadOnlyList<ParsingEvent> events, int mapping, string name) =>
        Fields(events, mapping).TryGetValue(name, out var range) && events[range.Start.Value] is Scalar scalar ? scalar.Value : null;

    /// <summary>
    /// The dotted path (<c>spec.backends[2].name</c>) from the node at <paramref name="node"/> to the event at
    /// <paramref name="target"/>; empty when the target is the node itself, null when it lies outside.
    /// </summary>
    public static string? PathTo(IReadOnlyList<ParsingEvent> events, int node, int target)
    {
        if (target == node)
        {
            return "";
        }

        var end = SkipNode(events, node);
        if (target < node || target >= end)
        {
            return null;
        }

        var i = node + 1;
        var position = 0;
        while (events[i] is not (MappingEnd or SequenceEnd))
        {
            string segment;
            if (events[node] is MappingStart)
            {
                segment = events[i] is Scalar key ? key.Value : "?";
                if (i == target)
                {
                    return segment;
                }

                i = SkipNode(events, i);
            }
            else
            {
                segment = $"[{position++}]";
            }

            var childEnd = SkipNode(events, i);
            if (target >= i && target < childEnd)
            {
                var rest = PathTo(events, i, target);
                return rest is null or "" ? segment : rest.StartsWith('[') ? segment + rest : $"{segment}.{rest}";
            }

            i = childEnd;
        }

        return null;
    }
}
