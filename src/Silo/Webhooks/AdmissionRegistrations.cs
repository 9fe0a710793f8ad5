using LLMKube.Grains.Api;
using LLMKube.Grains.Models;
using LLMKube.Grains.Validation;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// Which validator and defaulter the webhook runs for each kind: the one place to plug a kind in. A kind of
/// <see cref="AdmissionKinds.All"/> with no validator here is admitted as it is; one with no defaulter is left unchanged.
/// </summary>
public static class AdmissionRegistrations
{
    /// <summary>The validators; <paramref name="sources"/> says which local Model sources the silo allows.</summary>
    public static IReadOnlyList<IAdmissionValidator> Validators(ModelSourcePolicy sources) =>
    [
        new AdmissionValidator<ModelRouter>(ModelRouter.KindName, ModelRouterValidator.Validate),
        new AdmissionValidator<InferenceService>(InferenceService.KindName, InferenceServiceValidator.Validate),
        new AdmissionValidator<Model>(Model.KindName, model => ModelValidator.Validate(model, sources)),
    ];

    public static IReadOnlyList<IAdmissionDefaulter> Defaulters { get; } =
    [
        new AdmissionDefaulter<ModelRouter>(ModelRouter.KindName, ModelRouterDefaulter.Defaults),
    ];
}
