using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace LLMKube.Grains.Kubernetes;

/// <summary>
/// The only way grains write to the API server (a thin adapter over KubernetesClient, registered by the silo):
/// server-side apply with our one field manager, status through the status subresource, events through
/// <c>events.k8s.io/v1</c>. Grains decide; this does the I/O.
/// </summary>
public interface IKubernetesWriter
{
    /// <summary>Server-side applies <paramref name="desired"/> (which carries apiVersion and kind) with our field manager, taking over conflicting fields.</summary>
    Task ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes an object we own of <paramref name="kind"/> (<c>Deployment</c>, <c>Service</c> or
    /// <c>HorizontalPodAutoscaler</c>); one that is already gone is not an error.
    /// </summary>
    Task DeleteAsync(string kind, string ns, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Server-side applies an unstructured object of <paramref name="kind"/> (it carries apiVersion, kind, metadata.name
    /// and metadata.namespace) with our field manager, taking over conflicting fields.
    /// </summary>
    Task ApplyObjectAsync(ResourceKind kind, JsonObject desired, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object of <paramref name="kind"/>; one that is gone, or a kind the API server does not serve, is not an error.</summary>
    Task DeleteObjectAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default);

    /// <summary>The names of the objects of <paramref name="kind"/> in <paramref name="ns"/> matching <paramref name="labelSelector"/>; none when the kind is not served.</summary>
    Task<IReadOnlyList<string>> ListObjectNamesAsync(ResourceKind kind, string ns, string labelSelector, CancellationToken cancellationToken = default);

    /// <summary>Server-side applies <c>status</c> of one of our kinds through its status subresource.</summary>
    Task ApplyStatusAsync(string kind, string plural, string ns, string name, JsonObject status, CancellationToken cancellationToken = default);

    /// <summary>Records an event on one of our objects; failures are logged, never thrown (events are best-effort).</summary>
    Task EventAsync(ObjectReferenceFacts regarding, string type, string reason, string note, CancellationToken cancellationToken = default);
}

/// <summary>The object an event is about.</summary>
[GenerateSerializer, Immutable]
public sealed record ObjectReferenceFacts(
    [property: Id(0)] string ApiVersion,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Namespace,
    [property: Id(3)] string Name,
    [property: Id(4)] string? Uid);
