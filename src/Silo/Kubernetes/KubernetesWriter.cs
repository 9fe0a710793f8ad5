using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.Silo.Kubernetes;

/// <inheritdoc cref="IKubernetesWriter"/>
public sealed partial class KubernetesWriter(IKubernetes client, TimeProvider time, ILogger<KubernetesWriter> logger) : IKubernetesWriter
{
    public async Task ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken = default)
    {
        var patch = new V1Patch(desired, V1Patch.PatchType.ApplyPatch);
        var (name, ns) = (desired.Metadata.Name, desired.Metadata.NamespaceProperty);
        const string manager = KubeNames.FieldManager;
        switch (desired)
        {
            case V1Deployment:
                await client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            case V1Service:
                await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            case V1PodDisruptionBudget:
                await client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            case V2HorizontalPodAutoscaler:
                await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            case V1Secret:
                await client.CoreV1.PatchNamespacedSecretAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            case V1EndpointSlice:
                await client.DiscoveryV1.PatchNamespacedEndpointSliceAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken);
                break;
            default:
                throw new NotSupportedException($"no apply for {desired.Kind}: add it to {nameof(KubernetesWriter)}");
        }
    }

    public async Task DeleteAsync(string kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            switch (kind)
            {
                case "Deployment":
                    await client.AppsV1.DeleteNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
                    break;
                case "Service":
                    await client.CoreV1.DeleteNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken);
                    break;
                case "HorizontalPodAutoscaler":
                    await client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(name, ns, cancellationToken: cancellationToken);
                    break;
                default:
                    throw new NotSupportedException($"no delete for {kind}: add it to {nameof(KubernetesWriter)}");
            }
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone: what a delete wants.
        }
    }

    public async Task ApplyObjectAsync(ResourceKind kind, JsonObject desired, CancellationToken cancellationToken = default)
    {
        var meta = desired["metadata"]?.AsObject() ?? throw new ArgumentException("the object has no metadata", nameof(desired));
        var (name, ns) = ((string?)meta["name"], (string?)meta["namespace"]);
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(ns)) throw new ArgumentException("the object needs metadata.name and metadata.namespace", nameof(desired));
        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(desired, V1Patch.PatchType.ApplyPatch), kind.Group, kind.Version, ns, kind.Plural, name,
                fieldManager: KubeNames.FieldManager, force: true, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException ex)
        {
            // The API server's own words (what its schema refused) are what a status condition should show.
            throw new InvalidOperationException($"applying {kind.Kind} {ns}/{name}: {ServerMessage(ex)}", ex);
        }
    }

    private static string ServerMessage(k8s.Autorest.HttpOperationException ex)
    {
        try
        {
            if (JsonNode.Parse(ex.Response.Content ?? "") is JsonObject status && (string?)status["message"] is { Length: > 0 } message) return message;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return $"{(int)ex.Response.StatusCode} {ex.Response.StatusCode}";
    }

    public async Task DeleteObjectAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(kind.Group, kind.Version, ns, kind.Plural, name, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone, or the kind is not served (its CRD was removed): nothing left to delete either way.
        }
    }

    public async Task<IReadOnlyList<string>> ListObjectNamesAsync(ResourceKind kind, string ns, string labelSelector, CancellationToken cancellationToken = default)
    {
        try
        {
            var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(
                kind.Group, kind.Version, ns, kind.Plural, labelSelector: labelSelector, cancellationToken: cancellationToken);
            return [.. (list["items"]?.AsArray() ?? []).Select(i => (string?)i?["metadata"]?["name"]).OfType<string>()];
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    public async Task ApplyStatusAsync(string kind, string plural, string ns, string name, JsonObject status, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = KubeNames.ApiVersion,
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["status"] = status,
        };
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(body, V1Patch.PatchType.ApplyPatch), KubeNames.Group, KubeNames.Version, ns, plural, name,
            fieldManager: KubeNames.FieldManager, force: true, cancellationToken: cancellationToken);
    }

    public async Task EventAsync(ObjectReferenceFacts regarding, string type, string reason, string note, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            // The API server validates generateName as a name prefix: it must not end with '.'.
            Metadata = new V1ObjectMeta { GenerateName = regarding.Name + "-", NamespaceProperty = regarding.Namespace },
            EventTime = now,
            Type = type,
            Reason = reason,
            Action = "Reconcile",
            Note = note,
            ReportingController = "inference.llmkube.dev/llmkube-orleans",
            ReportingInstance = Environment.MachineName,
            Regarding = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion,
                Kind = regarding.Kind,
                Name = regarding.Name,
                NamespaceProperty = regarding.Namespace,
                Uid = regarding.Uid,
            },
        };
        try
        {
            await client.EventsV1.CreateNamespacedEventAsync(ev, regarding.Namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogEventFailed(regarding.Kind, regarding.Namespace, regarding.Name, reason, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "could not record event {Reason} on {Kind} {Namespace}/{Name}: {Error}")]
    private partial void LogEventFailed(string kind, string @namespace, string name, string reason, string error);
}
