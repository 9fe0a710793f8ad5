using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// Which validator and defaulter the webhook runs for each kind: the one place to plug a kind in. A kind of
/// <see cref="AdmissionKinds.All"/> with no validator here is admitted as it is; one with no defaulter is left unchanged.
/// </summary>
public static class AdmissionRegistrations
{
    public static IReadOnlyList<IAdmissionValidator> Validators { get; } =
    [
        new AdmissionValidator<ModelRouter>(ModelRouter.KindName, ModelRouterValidator.Validate),
        // InferenceService and Model are admitted until their validators exist; each plugs in here with one
        // AdmissionValidator<InferenceService> (or <Model>) built from its kind name and its Validate function.
    ];

    public static IReadOnlyList<IAdmissionDefaulter> Defaulters { get; } =
    [
        new AdmissionDefaulter<ModelRouter>(ModelRouter.KindName, ModelRouterDefaulter.Defaults),
    ];
}
