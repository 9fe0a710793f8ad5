using System.Diagnostics.CodeAnalysis;

namespace LLMKube.Grains.Api;

/// <summary>
/// A namespaced object's identity, <c>namespace/name</c>: the key of Router and RoutingTable grains and
/// the prefix of Backend grain keys. The one place that knows an empty namespace means <c>default</c>.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct ObjectKey
{
    /// <summary>The namespace of an object that names none, as in Kubernetes.</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Creates a key; a null or empty namespace is <see cref="DefaultNamespace"/>.</summary>
    public ObjectKey(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Namespace = string.IsNullOrEmpty(@namespace) ? DefaultNamespace : @namespace;
        Name = name;
    }

    [Id(0)] public string Namespace { get; }

    [Id(1)] public string Name { get; }

    /// <summary>
    /// Reads <c>namespace/name</c>, or a bare <c>name</c> in <see cref="DefaultNamespace"/>. False for an
    /// empty text, an empty part, or more than one <c>/</c>.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out ObjectKey key)
    {
        key = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            key = new ObjectKey(null, text);
            return true;
        }
        if (slash == 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0) return false;
        key = new ObjectKey(text[..slash], text[(slash + 1)..]);
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/> for a malformed key.</summary>
    public static ObjectKey Parse(string text)
        => TryParse(text, out var key) ? key : throw new FormatException($"\"{text}\" is not <namespace>/<name>");

    /// <summary><c>namespace/name</c>.</summary>
    public override string ToString() => $"{Namespace}/{Name}";
}
