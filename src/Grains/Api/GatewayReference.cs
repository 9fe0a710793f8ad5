using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace LLMKube.Grains.Api;

/// <summary>A Gateway API <c>Gateway</c> (<c>gateway.networking.k8s.io</c>) the generated routes attach to; the operator never creates it.</summary>
[GenerateSerializer]
public sealed class GatewayReference
{
    /// <summary>The pattern of a namespace name (a DNS-1123 label).</summary>
    public const string NamespacePattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    [Id(0), Required, MinLength(1), MaxLength(253), Description("The Gateway's name.")] public string? Name { get; set; }

    [Id(1), MaxLength(63), RegularExpression(NamespacePattern), Description("The Gateway's namespace; the referring object's own when unset.")]
    public string? Namespace { get; set; }
}
