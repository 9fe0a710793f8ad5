namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>How the silo deploys InferenceServices: the image that downloads weights, and when a Mac agent counts as gone.</summary>
/// <param name="DownloaderImage">The image of the <c>model-downloader</c> init container (needs <c>sh</c>, <c>curl</c> and <c>sha256sum</c>).</param>
/// <param name="HeartbeatTimeout">A metal service whose freshest agent heartbeat is older than this has no ready replica.</param>
public sealed record InferenceServiceSettings(string DownloaderImage, TimeSpan HeartbeatTimeout)
{
    public const string DefaultDownloaderImage = "curlimages/curl:8.11.1";

    /// <summary>Six of the agent's 30-second heartbeats.</summary>
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromMinutes(3);

    public static InferenceServiceSettings Default { get; } = new(DefaultDownloaderImage, DefaultHeartbeatTimeout);
}
