namespace LLMKube.Silo.Kubernetes;

/// <summary>A kind the control plane lists and watches in every watched namespace, optionally narrowed by a label selector.</summary>
public sealed record WatchedKind(string Group, string Version, string Plural, string? LabelSelector = null);
