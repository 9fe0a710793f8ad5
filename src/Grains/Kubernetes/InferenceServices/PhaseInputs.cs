namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>What the phase of an InferenceService is decided from.</summary>
/// <param name="Invalid">The validator's problems as <c>path: message</c>; empty when valid.</param>
/// <param name="ModelPhase">The Model's <c>status.phase</c>, or null when it has none; ignored when <paramref name="ModelFound"/> is false.</param>
/// <param name="Failure">Why the objects cannot be built, or null.</param>
/// <param name="Metal">The readiness a Mac agent reports, for a metal Model; null otherwise.</param>
public sealed record PhaseInputs(
    string ModelName,
    IReadOnlyList<string> Invalid,
    bool ModelFound,
    string? ModelPhase,
    PlanFailure? Failure,
    bool Suspended,
    int Desired,
    int Ready,
    MetalReadiness? Metal);
