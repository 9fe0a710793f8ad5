using k8s.Models;

namespace LLMKube.Grains.Kubernetes;

/// <summary>Names, labels and owner references every reconciler shares.</summary>
public static class KubeNames
{
    /// <summary>The one field manager of every server-side apply we send: objects have one writer, our grains.</summary>
    public const string FieldManager = "llmkube-orleans";

    public const string Group = "inference.llmkube.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;

    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "llmkube-orleans";

    /// <summary>A Service or EndpointSlice name from a CR name: dots are not valid in DNS-1035 labels.</summary>
    public static string Sanitize(string name) => name.Replace('.', '-');

    /// <summary>
    /// The controller reference of an owned object. <c>blockOwnerDeletion</c> stays false: with true, the garbage
    /// collector's admission check fails on a freshly registered CRD until discovery catches up.
    /// </summary>
    public static V1OwnerReference OwnerReference(string kind, string name, string uid)
        => new() { ApiVersion = ApiVersion, Kind = kind, Name = name, Uid = uid, BlockOwnerDeletion = false, Controller = true };
}
