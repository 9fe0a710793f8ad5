using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Models;

/// <summary>
/// The reconciler's verdict on one Model: the status to write (with the conditions it keeps), the events for what
/// changed, and whether the silo should now read the file's GGUF header.
/// </summary>
public sealed record ModelDecision(
    JsonObject Status,
    IReadOnlyList<KubeCondition> Conditions,
    string Phase,
    string Reason,
    IReadOnlyList<ModelEvent> Events,
    bool ReadHeader);
