using System.Reflection;
using System.Text.Json;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Resources;

/// <summary>
/// Warnings about valid fields that only shape what a Kubernetes controller deploys or reports:
/// when resources are read from files nothing is deployed and status is not observed, so they
/// have no effect there. Pure: the same set gives the same notes.
/// </summary>
public static class ResourceNotes
{
    private const string NotDeployed = "has no effect when resources are read from files (nothing is deployed)";
    private const string StatusNotRead = "has no effect when resources are read from files (of status, only endpoint is read)";
    private const string ModelNotUsed = "a Model has no effect when resources are read from files (nothing is downloaded or deployed; routers reach InferenceServices at their endpoint)";

    private static readonly Note<ModelRouter>[] _routerNotes =
    [
        new("spec.endpoint.port", r => r.Spec?.Endpoint?.Port, NotDeployed),
        new("spec.endpoint.path", r => r.Spec?.Endpoint?.Path, NotDeployed),
        new("spec.endpoint.type", r => r.Spec?.Endpoint?.Type, NotDeployed),
        new("spec.endpoint.nodePort", r => r.Spec?.Endpoint?.NodePort, NotDeployed),
        new("spec.proxy.replicas", r => r.Spec?.Proxy?.Replicas, NotDeployed),
        new("spec.proxy.revisionHistoryLimit", r => r.Spec?.Proxy?.RevisionHistoryLimit, NotDeployed),
        new("spec.proxy.image", r => r.Spec?.Proxy?.Image, NotDeployed),
        new("spec.proxy.resources", r => r.Spec?.Proxy?.Resources, NotDeployed),
        new("spec.proxy.imagePullSecrets", r => r.Spec?.Proxy?.ImagePullSecrets, NotDeployed),
        new("spec.proxy.nodeSelector", r => r.Spec?.Proxy?.NodeSelector, NotDeployed),
    ];

    // spec.endpoint.port is read: it is the local port of a service without status.endpoint. Every other spec field
    // shapes what the reconciler deploys, and of status only endpoint is read: both lists follow the types.
    private static readonly Note<InferenceService>[] _serviceNotes =
    [
        .. FieldsOf(typeof(InferenceServiceSpec), "spec", s => s.Spec, NotDeployed, skip: "spec.endpoint.port"),
        .. FieldsOf(typeof(InferenceServiceStatus), "status", s => s.Status, StatusNotRead, skip: "status.endpoint"),
    ];

    // One note per property of type, one level into EndpointSpec (whose port alone is read).
    private static IEnumerable<Note<InferenceService>> FieldsOf(Type type, string prefix, Func<InferenceService, object?> owner, string message, string skip)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = $"{prefix}.{JsonNamingPolicy.CamelCase.ConvertName(property.Name)}";
            if (property.PropertyType == typeof(EndpointSpec))
            {
                foreach (var field in FieldsOf(typeof(EndpointSpec), path, s => owner(s) is { } o ? property.GetValue(o) : null, message, skip))
                    yield return field;
            }
            else if (path != skip)
            {
                yield return new(path, s => owner(s) is { } o ? property.GetValue(o) : null, message);
            }
        }
    }

    /// <summary>One warning per such field set in <paramref name="resources"/>, naming its file, object and path.</summary>
    public static IReadOnlyList<ResourceProblem> OutsideKubernetes(ResourceSet resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var notes = new List<ResourceProblem>();
        Add(notes, resources, resources.Routers, ModelRouter.KindName, _routerNotes);
        Add(notes, resources, resources.InferenceServices, InferenceService.KindName, _serviceNotes);
        notes.AddRange(resources.Models.Select(m => new ResourceProblem(resources.SourceOf(m) ?? "", $"{Model.KindName} {m.Key}", "", ModelNotUsed)));
        return notes;
    }

    private static void Add<T>(List<ResourceProblem> notes, ResourceSet resources, IEnumerable<T> items, string kind, Note<T>[] fields)
        where T : KubeObject
    {
        foreach (var item in items)
        {
            foreach (var field in fields.Where(f => f.Value(item) is not null))
            {
                notes.Add(new(resources.SourceOf(item) ?? "", $"{kind} {item.Key}", field.Path, field.Message));
            }
        }
    }

    private sealed record Note<T>(string Path, Func<T, object?> Value, string Message);
}
