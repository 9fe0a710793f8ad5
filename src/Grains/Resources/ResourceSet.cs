using LLMKube.Grains.Api;

namespace LLMKube.Grains.Resources;

/// <summary>
/// The objects read from one resource source (files, or later the Kubernetes API): everything a
/// router needs to compile. Immutable; lookups treat an empty namespace as <c>default</c>.
/// </summary>
public sealed class ResourceSet
{
    private readonly Dictionary<ObjectKey, ModelRouter> _routers = [];
    private readonly Dictionary<ObjectKey, InferenceService> _inferenceServices = [];
    private readonly Dictionary<ObjectKey, Secret> _secrets = [];
    private readonly Dictionary<ObjectKey, Model> _models = [];
    private readonly IReadOnlyDictionary<KubeObject, string> _sources;

    /// <summary>
    /// Creates a set; when two objects share a namespace and name, lookups return the first.
    /// <paramref name="sources"/> maps objects (by reference) to the file they were read from.
    /// <paramref name="models"/> are only carried (a router compiles without them) so that hosts can say what they ignore.
    /// </summary>
    public ResourceSet(
        IEnumerable<ModelRouter>? routers = null,
        IEnumerable<InferenceService>? inferenceServices = null,
        IEnumerable<Secret>? secrets = null,
        IReadOnlyDictionary<KubeObject, string>? sources = null,
        IEnumerable<Model>? models = null)
    {
        Routers = Index(routers, _routers);
        InferenceServices = Index(inferenceServices, _inferenceServices);
        Secrets = Index(secrets, _secrets);
        Models = Index(models, _models);
        _sources = sources ?? new Dictionary<KubeObject, string>();
    }

    /// <summary>A set with no objects.</summary>
    public static ResourceSet Empty { get; } = new();

    public IReadOnlyList<ModelRouter> Routers { get; }
    public IReadOnlyList<InferenceService> InferenceServices { get; }
    public IReadOnlyList<Secret> Secrets { get; }
    public IReadOnlyList<Model> Models { get; }

    public ModelRouter? FindRouter(string? ns, string name) => _routers.GetValueOrDefault(Key(ns, name));

    public InferenceService? FindInferenceService(string? ns, string name) => _inferenceServices.GetValueOrDefault(Key(ns, name));

    public Secret? FindSecret(string? ns, string name) => _secrets.GetValueOrDefault(Key(ns, name));

    /// <summary>The file (source name) <paramref name="item"/> was read from; null when unknown.</summary>
    public string? SourceOf(KubeObject item) => _sources.GetValueOrDefault(item);

    private static ObjectKey Key(string? ns, string name) => new(ns, name);

    private static T[] Index<T>(IEnumerable<T>? objects, Dictionary<ObjectKey, T> index)
        where T : KubeObject
    {
        var list = objects?.ToArray() ?? [];
        foreach (var item in list)
        {
            index.TryAdd(item.Key, item);
        }

        return list;
    }
}
