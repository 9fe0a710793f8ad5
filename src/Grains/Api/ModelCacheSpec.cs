using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>spec.modelCache</c>: where downloaded weights live.</summary>
[GenerateSerializer]
[CelRule("!has(self.claimName) || !has(self.persistence) || self.persistence != 'Ephemeral'", "modelCache.claimName cannot be set with persistence Ephemeral")]
[CelRule("!has(self.persistence) || self.persistence != 'Cached' || has(self.claimName)", "modelCache persistence Cached needs claimName (the PersistentVolumeClaim to cache in)")]
public sealed class ModelCacheSpec
{
    [Id(0), AllowedValues("Cached", "Ephemeral"),
     Description("Cached: in the claim named by claimName, kept across restarts. Ephemeral (the default without claimName): an emptyDir, downloaded again by every new pod.")]
    public string? Persistence { get; set; }

    [Id(1), MaxLength(253), RegularExpression(InferenceServiceLimits.ObjectNamePattern),
     Description("An existing PersistentVolumeClaim in the namespace (ReadWriteMany for more than one replica).")]
    public string? ClaimName { get; set; }
}
