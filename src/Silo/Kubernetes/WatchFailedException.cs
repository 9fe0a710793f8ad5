namespace LLMKube.Silo.Kubernetes;

/// <summary>A list or watch the API server refused or ended with an error; <see cref="Code"/> 410 means the resourceVersion is too old.</summary>
public sealed class WatchFailedException(int code, string message) : Exception(message)
{
    public const int Gone = 410;

    public int Code { get; } = code;
}
