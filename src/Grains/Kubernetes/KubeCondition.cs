using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Routers;

namespace LLMKube.Grains.Kubernetes;

/// <summary>A status condition in <c>metav1.Condition</c>'s shape.</summary>
[GenerateSerializer, Immutable]
public sealed record KubeCondition(
    [property: Id(0)] string Type,
    [property: Id(1)] string Status,
    [property: Id(2)] string Reason,
    [property: Id(3)] string Message,
    [property: Id(4)] DateTimeOffset LastTransitionTime,
    [property: Id(5)] long ObservedGeneration)
{
    /// <summary>
    /// Sets <paramref name="type"/> in <paramref name="previous"/>: the transition time moves only when the status
    /// changes, as <c>meta.SetStatusCondition</c> does, so an unchanged condition does not look new on every reconcile.
    /// </summary>
    public static KubeCondition Next(IReadOnlyList<KubeCondition>? previous, string type, bool status, string reason, string message, DateTimeOffset now, long generation)
    {
        var value = status ? "True" : "False";
        var old = previous?.FirstOrDefault(c => c.Type == type);
        var since = old is not null && old.Status == value ? old.LastTransitionTime : now;
        return new KubeCondition(type, value, reason, message, since, generation);
    }

    /// <summary>The conditions an object's status shows, as written by an earlier reconcile (incomplete ones are skipped).</summary>
    public static IReadOnlyList<KubeCondition> FromStatus(IEnumerable<Condition>? conditions)
        => [.. (conditions ?? []).Where(c => c.Type is not null && c.Status is not null).Select(c => new KubeCondition(
            c.Type!, c.Status!, c.Reason ?? "", c.Message ?? "", c.LastTransitionTime ?? DateTimeOffset.MinValue, c.ObservedGeneration ?? 0))];

    /// <summary>The condition as status JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["type"] = Type,
        ["status"] = Status,
        ["reason"] = Reason,
        ["message"] = Message,
        ["lastTransitionTime"] = RouterStatusBuilder.Rfc3339(LastTransitionTime),
        ["observedGeneration"] = ObservedGeneration,
    };
}
