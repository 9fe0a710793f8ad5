using LLMKube.Grains.Api;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Accumulates the objects, problems and warnings of one load across files: takes each parsed document,
/// dispatches on its <c>kind</c>, checks it against its C# type, replays the events into the
/// deserializer, rejects duplicates.
/// </summary>
internal sealed class ResourceCollector
{
    private const string CoreApiVersion = "v1";

    private static readonly IDeserializer _deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    private readonly List<ModelRouter> _routers = [];
    private readonly List<InferenceService> _inferenceServices = [];
    private readonly List<Secret> _secrets = [];
    private readonly List<Model> _models = [];
    private readonly List<ResourceProblem> _problems = [];
    private readonly List<ResourceProblem> _warnings = [];
    private readonly Dictionary<string, string> _firstSeenAt = new(StringComparer.Ordinal);
    private readonly Dictionary<KubeObject, string> _sources = new(ReferenceEqualityComparer.Instance);

    public void AddProblem(ResourceProblem problem) => _problems.Add(problem);

    public ResourceLoadResult Build() =>
        new(new ResourceSet(_routers, _inferenceServices, _secrets, _sources, _models), _problems.ToArray()) { Warnings = _warnings.ToArray() };

    /// <summary>Reads every document of <paramref name="text"/>; a syntax error costs only the document it is in.</summary>
    public void AddText(string text, string source)
    {
        if (text.StartsWith('\uFEFF'))
        {
            // File.ReadAllText drops a byte-order mark; text handed in directly may still carry one.
            text = text[1..];
        }

        if (YamlDocumentReader.CheckText(text, source) is { } unreadable)
        {
            AddProblem(unreadable);
            return;
        }

        var before = _problems.Count;
        foreach (var piece in YamlDocumentReader.Split(text))
        {
            if (_problems.Count - before >= ResourceLoader.MaxProblemsPerFile)
            {
                AddProblem(new(source, null, "", $"stopped after {ResourceLoader.MaxProblemsPerFile} problems; the rest of the file was not read"));
                return;
            }

            foreach (var document in YamlDocumentReader.Parse(piece, source, _problems))
            {
                AddDocument(document);
            }
        }
    }

    private void AddDocument(YamlDocument document)
    {
        var root = document.Events[1];
        if (SchemaWalker.IsNull(root))
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

    private void AddObject(YamlDocument document, int start)
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
            case "List" when fields.TryGetValue("items", out var items):
                AddListItems(document, items.Start.Value);
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
            // Checked and kept like the others, so a typo is reported; ResourceNotes says it has no effect here.
            case Model.KindName:
                AddTyped(_models, document, start, kind, apiVersion, KubeObject.LLMKubeApiVersion);
                break;
        }
    }

    private void AddListItems(YamlDocument document, int items)
    {
        var events = document.Events;
        if (SchemaWalker.IsNull(events[items]))
        {
            return;
        }

        if (events[items] is not SequenceStart)
        {
            AddProblem(new(document.Location(events[items].Start), null, "items", "items must be a sequence of objects"));
            return;
        }

        for (int i = items + 1, position = 0; events[i] is not SequenceEnd; i = YamlEvents.SkipNode(events, i), position++)
        {
            if (events[i] is MappingStart)
            {
                AddObject(document, i);
            }
            else
            {
                AddProblem(new(document.Location(events[i].Start), null, $"items[{position}]", "item is not a mapping (a Kubernetes object)"));
            }
        }
    }

    private void AddTyped<T>(List<T> target, YamlDocument document, int start, string kind, string? apiVersion, string expectedApiVersion)
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

        var errors = new List<SchemaWalker.Finding>();
        var warnings = new List<SchemaWalker.Finding>();
        SchemaWalker.Walk(events, start, typeof(T), errors, warnings);
        if (errors.Count > 0)
        {
            _problems.AddRange(errors.Select(e => new ResourceProblem(document.Location(e.At.Start), label, e.Path, e.Message)));
            return;
        }

        if (Deserialize<T>(document, start, kind, label) is not { } item)
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
        _warnings.AddRange(warnings.Select(w => new ResourceProblem(document.Location(w.At.Start), label, w.Path, w.Message)));
    }

    private T? Deserialize<T>(YamlDocument document, int start, string kind, string label)
        where T : KubeObject
    {
        var events = document.Events;
        try
        {
            return _deserializer.Deserialize<T>(new EventReplayParser(events, start, YamlEvents.SkipNode(events, start)));
        }
        catch (Exception ex)
        {
            // Any exception: bad input must become a problem, whatever the deserializer throws for it.
            var mark = ex is YamlException yaml ? yaml.Start : events[start].Start;
            var failed = FindEvent(events, start, mark);
            var path = failed < 0 ? "" : YamlEvents.PathTo(events, start, failed) ?? "";
            AddProblem(new(document.Location(mark), label, path, DescribeFailure(ex, failed < 0 ? null : events[failed], kind)));
            return null;
        }
    }

    private static string DescribeFailure(Exception ex, ParsingEvent? failed, string kind) => failed switch
    {
        AnchorAlias alias => $"alias *{alias.Value} refers to no anchor defined before it in this object",
        Scalar scalar when IsConversionError(ex) => kind == Secret.KindName ? "invalid value" : $"invalid value \"{scalar.Value}\"", // never echo a secret
        NodeEvent { Tag.IsEmpty: false } node => $"unsupported tag {node.Tag.Value}",
        _ => YamlDocumentReader.Describe(ex),
    };

    /// <summary><c>Kind namespace/name</c> read from the events, so problems found before deserialization can name the object.</summary>
    private static string Label(YamlDocument document, int start, string kind)
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

    private static int FindEvent(IReadOnlyList<ParsingEvent> events, int start, Mark mark)
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
}
