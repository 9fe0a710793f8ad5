namespace LLMKube.Silo.Webhooks;

/// <summary>The kinds the admission webhook is registered for, with their failure policies.</summary>
public static class AdmissionKinds
{
    // A ModelRouter admitted without validation could route sensitive data to a cloud backend: when the webhook cannot
    // be reached, its writes are refused. InferenceService and Model are validated again by their reconcilers, so an
    // unreachable webhook must not block them (nor a cluster upgrade that drains every silo).
    public static AdmissionKind ModelRouter { get; } = new(Grains.Api.ModelRouter.KindName, "modelrouters", AdmissionKind.Fail);

    public static AdmissionKind InferenceService { get; } = new(Grains.Api.InferenceService.KindName, "inferenceservices", AdmissionKind.Ignore);

    public static AdmissionKind Model { get; } = new(Grains.Api.Model.KindName, "models", AdmissionKind.Ignore);

    public static IReadOnlyList<AdmissionKind> All { get; } = [ModelRouter, InferenceService, Model];
}
