namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>Writes generated gateway objects: server-side apply in order, then removal of what an owner generated before and no longer wants.</summary>
public static class GatewayApply
{
    /// <summary>
    /// Applies <paramref name="objects"/>, then deletes every object of <paramref name="kinds"/> in <paramref name="ns"/>
    /// carrying <paramref name="selector"/> that is not among them. With no objects, removes everything the owner generated.
    /// </summary>
    public static async Task ApplyAndPruneAsync(IKubernetesWriter writer, IReadOnlyList<GatewayManifest> objects, IReadOnlyList<ResourceKind> kinds, string ns, string selector)
    {
        foreach (var manifest in objects) await writer.ApplyObjectAsync(manifest.Kind, manifest.Object);
        // Reverse order: the route goes before the backends it names.
        foreach (var kind in kinds.Reverse())
        {
            var wanted = objects.Where(o => o.Kind == kind).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in await writer.ListObjectNamesAsync(kind, ns, selector))
            {
                if (!wanted.Contains(name)) await writer.DeleteObjectAsync(kind, ns, name);
            }
        }
    }
}
