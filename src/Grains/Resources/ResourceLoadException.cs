namespace LLMKube.Grains.Resources;

/// <summary>Resources that cannot be served: the message lists one problem per line.</summary>
public sealed class ResourceLoadException(string message) : Exception(message);
