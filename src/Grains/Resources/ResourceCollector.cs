using System.Text.RegularExpressions;
using LLMKube.Grains.Api;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Accumulates the objects and problems of one load across files: parses each document into events,
/// dispatches on its <c>kind</c>, replays the events into the deserializer, rejects duplicates.
/// </summary>
internal sealed partial class ResourceCollector
{
    private const string CoreApiVersion = "v1";

    private static readonly IDeserializer _deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    private readonly List<ModelRouter> _routers = [];
    private readonly List<InferenceService> _inferenceServices = [];
    private readonly List<Secret> _secrets = [];
    private readonly List<ResourceProblem> _problems = [];
    private readonly Dictionary<string, string> _firstSeenAt = new(StringComparer.Ordinal);
    private readonly Dictionary<KubeObject, string> _sources = new(ReferenceEqualityComparer.Instance);

    public void AddProblem(ResourceProblem problem) => _problems.Add(problem);

    public ResourceLoadResult Build() => new(new ResourceSet(_routers, _inferenceServices, _secrets, _sources), _problems.ToArray());

    /// <summary>Reads every document of <paramref name="text"/>; after a syntax error, resumes at the next <c>---</c>.</summary>
    public void AddText(string text, string source)
    {
        var lines = text.Split('\n');
        var firstLine = 0;
        while (firstLine < lines.Length)
        {
            var remaining = firstLine == 0 ? text : string.Join('\n', lines[firstLine..]);
            try
            {
                ReadDocuments(new Document(source, firstLine), remaining);
                return;
            }
            catch (YamlException ex)
            {
                AddProblem(new(Location(source, ex.Start, firstLine), null, "", Describe(ex)));
                // The parser cannot go on after a syntax error: restart at the next document marker.
                var errorLine = firstLine + (int)Math.Max(ex.Start.Line, 1) - 1;
                firstLine = NextDocumentMarker(lines, Math.Max(errorLine, firstLine + 1));
            }
        }
    }

    private void ReadDocuments(Document document, string text)
    {
        var parser = new Parser(new StringReader(text));
        List<ParsingEvent>? events = null;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart start:
                    events = [start];
                    break;
                case DocumentEnd end when events is not null:
                    events.Add(end);
                    AddDocument(document with { Events = events });
                    events = null;
                    break;
                case StreamStart or StreamEnd:
                    break;
                case { } other:
                    events?.Add(other);
                    break;
            }
        }
    }

    private void AddDocument(Document document)
    {
        var root = document.Events[1];
        if (root is Scalar { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" } empty && empty.Tag.IsEmpty)
        {
            return;
        }

        if (root is not MappingStart)
        {
            AddProblem(new(document.Location(root.Start), null, "", "document is not a mapping (a Kubernetes object)"));
            return;
        }

        AddObject(document, 1);
    }

    private void AddObject(Document document, int start)
    {
        var events = document.Events;
        var fields = YamlEvents.Fields(events, start);
        var kind = YamlEvents.ScalarField(events, start, "kind");
        var apiVersion = YamlEvents.ScalarField(events, start, "apiVersion");
        if (string.IsNullOrEmpty(kind))
        {
            AddProblem(new(document.Location(events[start].Start), null, "kind", "kind is required"));
            return;
        }

        switch (kind)
        {
            // What `kubectl get -o yaml` prints for several objects.
            case "List" when fields.TryGetValue("items", out var items) && events[items.Start.Value] is SequenceStart:
                for (var i = items.Start.Value + 1; i < items.End.Value - 1; i = YamlEvents.SkipNode(events, i))
                {
                    if (events[i] is MappingStart)
                    {
                        AddObject(document, i);
                    }
                }

                break;
            case ModelRouter.KindName:
                AddTyped(_routers, document, start, kind, apiVersion, KubeObject.LLMKubeApiVersion);
                break;
            case InferenceService.KindName:
                AddTyped(_inferenceServices, document, start, kind, apiVersion, KubeObject.LLMKubeApiVersion);
                break;
            case Secret.KindName:
                AddTyped(_secrets, document, start, kind, apiVersion, CoreApiVersion);
                break;
        }
    }

    private void AddTyped<T>(List<T> target, Document document, int start, string kind, string? apiVersion, string expectedApiVersion)
        where T : KubeObject
    {
        var events = document.Events;
        var location = document.Location(events[start].Start);
        var label = Label(document, start, kind);
        if (apiVersion != expectedApiVersion)
        {
            AddProblem(new(location, label, "apiVersion", $"apiVersion \"{apiVersion}\" is not supported for kind {kind}; expected \"{expectedApiVersion}\""));
            return;
        }

        T? item;
        try
        {
            item = _deserializer.Deserialize<T>(new EventReplayParser(events, start, YamlEvents.SkipNode(events, start)));
        }
        catch (YamlException ex)
        {
            var failed = FindEvent(events, start, ex.Start);
            var path = failed < 0 ? "" : YamlEvents.PathTo(events, start, failed) ?? "";
            var message = failed >= 0 && events[failed] is Scalar scalar && IsConversionError(ex)
                ? kind == Secret.KindName ? "invalid value" : $"invalid value \"{scalar.Value}\"" // never echo a secret
                : Describe(ex);
            AddProblem(new(document.Location(ex.Start), label, path, message));
            return;
        }

        if (item is null)
        {
            return;
        }

        item.Metadata ??= new ObjectMeta();
        if (string.IsNullOrEmpty(item.Metadata.Name))
        {
            AddProblem(new(location, kind, "metadata.name", "name is required"));
            return;
        }

        if (!_firstSeenAt.TryAdd(label, location))
        {
            AddProblem(new(location, label, "", $"duplicate object; first defined at {_firstSeenAt[label]}"));
            return;
        }

        target.Add(item);
        _sources[item] = document.Source;
    }

    /// <summary><c>Kind namespace/name</c> read from the events, so problems found before deserialization can name the object.</summary>
    private static string Label(Document document, int start, string kind)
    {
        var events = document.Events;
        if (!YamlEvents.Fields(events, start).TryGetValue("metadata", out var metadata))
        {
            return kind;
        }

        var name = YamlEvents.ScalarField(events, metadata.Start.Value, "name");
        var ns = YamlEvents.ScalarField(events, metadata.Start.Value, "namespace");
        return string.IsNullOrEmpty(name) ? kind : $"{kind} {new ObjectKey(ns, name)}";
    }

    private static int FindEvent(List<ParsingEvent> events, int start, Mark mark)
    {
        var end = YamlEvents.SkipNode(events, start);
        for (var i = start; i < end; i++)
        {
            if (events[i].Start.Index == mark.Index && events[i].Start.Line == mark.Line)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsConversionError(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is FormatException or OverflowException or InvalidCastException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Location(string source, Mark mark, int lineOffset) =>
        mark.Line >= 1 ? $"{source}:{mark.Line + lineOffset}:{mark.Column}" : source;

    /// <summary>YamlDotNet's message without its own location (reported separately) and in words rather than event names.</summary>
    private static string Describe(YamlException ex)
    {
        var message = ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0)
        {
            message = message[(marker + 3)..];
        }

        message = TrailingMarkRegex().Replace(message, "");
        return message
            .Replace("'MappingStart'", "a mapping", StringComparison.Ordinal)
            .Replace("'SequenceStart'", "a sequence", StringComparison.Ordinal)
            .Replace("'Scalar'", "a scalar", StringComparison.Ordinal)
            .Replace("Expected a", "expected a", StringComparison.Ordinal);
    }

    private static int NextDocumentMarker(string[] lines, int fromIndex)
    {
        for (var i = fromIndex; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || line[3] is ' ' or '\t'))
            {
                return i;
            }
        }

        return lines.Length;
    }

    [GeneratedRegex(@"\s*\(at Line: \d+, Col: \d+, Idx: \d+\)\.?$")]
    private static partial Regex TrailingMarkRegex();

    /// <summary>One parsed document: its events and where its text starts in the source.</summary>
    private sealed record Document(string Source, int LineOffset)
    {
        public List<ParsingEvent> Events { get; init; } = [];

        public string Location(Mark mark) => ResourceCollector.Location(Source, mark, LineOffset);
    }
}
