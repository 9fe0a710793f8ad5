using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;

namespace LLMKube.Gateway.Resources;

/// <summary>Which ModelRouter a standalone gateway serves: the one named, else the only one in the resources.</summary>
internal static class RouterSelection
{
    /// <summary>
    /// The router, or the problems that prevent choosing one. A set that failed to load is not second-guessed:
    /// its own problems say why, so "no ModelRouter found" is reported only for a set that loaded cleanly.
    /// </summary>
    public static (ObjectKey? Router, IReadOnlyList<string> Problems) Select(CompiledResources resources, ObjectKey? requested)
    {
        var routers = resources.Resources.Routers;
        if (requested is { } key)
        {
            return routers.Any(r => r.Key == key) || !resources.Succeeded
                ? (key, [])
                : (null, [$"{resources.Source}: ModelRouter {key} not found"]);
        }
        if (routers.Count == 1) return (routers[0].Key, []);
        if (!resources.Succeeded) return (null, []);
        return routers.Count == 0
            ? (null, [$"{resources.Source}: no ModelRouter found"])
            : (null, [$"{resources.Source}: {routers.Count} ModelRouters found ({string.Join(", ", routers.Select(r => r.Key))}); choose one with --router <namespace>/<name>"]);
    }
}
