using k8s;

namespace LLMKube.Silo.Kubernetes;

/// <summary>One change a watch delivered, or a full relist (<see cref="WatchEventType.Bookmark"/> is never passed on).</summary>
public readonly record struct WatchEvent<T>(WatchEventType Type, T Object);
