namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// The phase of an InferenceService with the reason and message its conditions carry. A null
/// <see cref="SchedulingStatus"/> means the decision has nothing to say about scheduling: the status apply then leaves
/// out the field, so a value the Mac agent wrote stays.
/// </summary>
public sealed record PhaseDecision(string Phase, string Reason, string Message, string? SchedulingStatus = null, string? SchedulingMessage = null)
{
    public const string Pending = "Pending";
    public const string Creating = "Creating";
    public const string Progressing = "Progressing";
    public const string Ready = "Ready";
    public const string Stopped = "Stopped";
    public const string Suspended = "Suspended";
    public const string Failed = "Failed";

    /// <summary>Routers may send traffic: every replica or at least some are ready.</summary>
    public static bool Serves(string? phase) => phase is Ready or Progressing;

    /// <summary>
    /// In order: an invalid spec, a missing Model or an impossible plan fail; a Model not Ready keeps it Pending;
    /// then suspend, all replicas ready, some ready, none wanted, a metal service without a live agent, and otherwise Creating.
    /// </summary>
    public static PhaseDecision Decide(PhaseInputs inputs)
    {
        if (inputs.Invalid.Count > 0) return new(Failed, "SpecInvalid", string.Join("; ", inputs.Invalid));
        if (!inputs.ModelFound) return new(Failed, "ModelNotFound", $"Model {inputs.ModelName} not found");
        if (inputs.Failure is { } failure) return new(Failed, failure.Reason, failure.Message);
        if (inputs.ModelPhase != Ready)
            return new(Pending, "ModelNotReady", $"waiting for Model {inputs.ModelName} to be Ready (it is {inputs.ModelPhase ?? "not reconciled yet"})");
        if (inputs.Suspended) return new(Suspended, "Suspended", "spec.suspend is true: scaled to zero");
        var counts = $"{inputs.Ready}/{inputs.Desired} replicas ready";
        if (inputs.Desired > 0 && inputs.Ready >= inputs.Desired) return new(Ready, "InferenceReady", counts);
        if (inputs.Ready > 0) return new(Progressing, "PartiallyReady", counts);
        if (inputs.Desired == 0) return new(Stopped, "ScaledToZero", "spec.replicas is 0");
        if (inputs.Metal is { SchedulingStatus: { } scheduling } metal) return new(Creating, scheduling, metal.SchedulingMessage ?? "", scheduling, metal.SchedulingMessage);
        return new(Creating, "NoReadyReplicas", counts);
    }
}
