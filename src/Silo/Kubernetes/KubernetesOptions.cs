namespace LLMKube.Silo.Kubernetes;

/// <summary>The Kubernetes control plane of the silo, bound from <c>Silo:Kubernetes</c>.</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Silo:Kubernetes";

    /// <summary>Watch and reconcile the CRDs (in-cluster config, or <see cref="Kubeconfig"/>).</summary>
    public bool Enabled { get; set; }

    /// <summary>A kubeconfig file; unset means the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Namespaces to watch; empty means every namespace.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>How often a watch relists everything even when nothing failed (a missed event heals here).</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the API server keeps one watch request open before we resume it.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First reconnect delay after a failed list or watch; doubles up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long reconciles wait for every watch's first list (so nothing is decided on a partial view); past it, a watch
    /// that still cannot list is logged and the others' objects are reconciled.
    /// </summary>
    public TimeSpan InitialSyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The gateway image of the per-router gateway Deployments.</summary>
    public string GatewayImage { get; set; } = "ghcr.io/llmkube/llmkube-orleans-gateway:latest";

    /// <summary>
    /// Roots under which a Model may name a local path (<c>/path</c> or <c>file:///path</c>) that serving pods mount from
    /// their node, or the Metal agent reads on its Mac. Empty (the default) refuses every local source.
    /// </summary>
    public List<string> AllowedHostPathRoots { get; set; } = [];

    /// <summary>
    /// Hosts the silo may fetch a Model's GGUF header from (exact names or <c>*.domain</c>), checked on every redirect;
    /// empty means any. Serving pods download the file themselves, whatever this says.
    /// </summary>
    public List<string> AllowedRemoteHosts { get; set; } = [];

    /// <summary>How long one GGUF header read of a Model's http(s) file may take, redirects included.</summary>
    public TimeSpan ModelHeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The image of the init container that downloads a Model's weights into an InferenceService's pod.</summary>
    public string ModelDownloaderImage { get; set; } = Grains.Kubernetes.InferenceServices.InferenceServiceSettings.DefaultDownloaderImage;

    /// <summary>A metal InferenceService whose Mac agent heartbeat is older than this has no ready replica.</summary>
    public TimeSpan AgentHeartbeatTimeout { get; set; } = Grains.Kubernetes.InferenceServices.InferenceServiceSettings.DefaultHeartbeatTimeout;

    /// <summary>
    /// Gateway mode: how soon a router or InferenceService waiting for the Envoy Gateway / Envoy AI Gateway CRDs looks
    /// again; the wait doubles up to <see cref="GatewayCrdMaxRecheck"/>. Any change to the object looks again at once.
    /// </summary>
    public TimeSpan GatewayCrdRecheck { get; set; } = Grains.Kubernetes.Gateways.GatewayModeSettings.Default.InitialRecheck;

    public TimeSpan GatewayCrdMaxRecheck { get; set; } = Grains.Kubernetes.Gateways.GatewayModeSettings.Default.MaxRecheck;
}
