namespace LLMKube.Grains.Kubernetes.Models;

/// <summary>An event the reconciler records on a Model: <c>Normal</c> or <c>Warning</c>, a CamelCase reason and a note.</summary>
public sealed record ModelEvent(string Type, string Reason, string Note);
