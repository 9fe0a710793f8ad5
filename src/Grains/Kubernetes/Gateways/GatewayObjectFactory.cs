using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>The envelope every generated gateway object shares: apiVersion, kind, name, namespace, our labels and the owner reference.</summary>
public sealed record GatewayObjectFactory(string Namespace, string OwnerKind, string OwnerName, string OwnerUid, IReadOnlyDictionary<string, string> Labels)
{
    public JsonObject Create(ResourceKind kind, string name, JsonObject spec)
    {
        var owner = KubeNames.OwnerReference(OwnerKind, OwnerName, OwnerUid);
        var labels = new JsonObject { [KubeNames.ManagedByLabel] = KubeNames.ManagedBy };
        foreach (var (key, value) in Labels) labels[key] = value;
        return new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = Namespace,
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = owner.ApiVersion,
                    ["kind"] = owner.Kind,
                    ["name"] = owner.Name,
                    ["uid"] = owner.Uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = false,
                }),
            },
            ["spec"] = spec,
        };
    }

    /// <summary>The label selector of everything this owner generated.</summary>
    public string Selector => string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}").Prepend($"{KubeNames.ManagedByLabel}={KubeNames.ManagedBy}"));
}
