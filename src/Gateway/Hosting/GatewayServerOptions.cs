namespace LLMKube.Gateway.Hosting;

/// <summary>
/// Gateway configuration, bound from the <c>Gateway</c> section (appsettings, <c>LLMKUBE_Gateway__*</c>
/// environment variables) and from the command-line short forms. Read-only once the host is built:
/// the mode and the router served are resolved before, into <see cref="GatewayMode"/>.
/// </summary>
public sealed class GatewayServerOptions
{
    public const string Section = "Gateway";

    /// <summary>A YAML/JSON file or a directory of them: ModelRouter, InferenceService and Secret documents.</summary>
    public string? Resources { get; set; }

    /// <summary>The router this gateway serves, <c>namespace/name</c> (a bare name means <c>default/name</c>); optional in standalone mode when the resources hold exactly one.</summary>
    public string? Router { get; set; }

    /// <summary>Where audit lines go: <c>stdout</c> (default), <c>none</c>, or a file path (appended to).</summary>
    public string AuditLog { get; set; } = "stdout";

    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Maximum nesting depth of a request body's JSON; deeper bodies get 400.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>How often the gateway compares its snapshot version with the routing table's.</summary>
    public TimeSpan SnapshotPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the gateway renews its observer subscription (the grain expires it after 2 minutes).</summary>
    public TimeSpan ResubscribeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>In cluster mode, <c>/readyz</c> reports <c>degraded</c> once the routing table has not answered for this long.</summary>
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a half-open probe waits for the Backend grain's lease before probing on this gateway's own authority.</summary>
    public TimeSpan ProbeLeaseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Debounce applied to file change notifications before resources are reloaded.</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Adds <c>stream_options.include_usage</c> to streamed chat and completion requests that do not ask for it,
    /// so every stream's token usage is known; the usage-only event this adds is removed before the client sees it.
    /// </summary>
    public bool RequestStreamUsage { get; set; } = true;

    /// <summary>Concurrent shadow requests above this are dropped, so mirroring never queues.</summary>
    public int MaxConcurrentShadowRequests { get; set; } = 64;

    /// <summary>Silo-to-silo port of the co-hosted silo; 0 picks a free port.</summary>
    public int SiloPort { get; set; }

    // Kestrel limits against abusive clients. Kestrel rejects these before the gateway's own code runs
    // (no audit line): 431 for headers, 414 for the request line, 408 or a closed connection for slow headers.

    /// <summary>Most request headers Kestrel accepts on one request (Kestrel's default, 100); more get 431.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Largest total size of a request's headers, in bytes (Kestrel's default, 32 KiB); larger gets 431.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Longest request line, in bytes (Kestrel's default, 8 KiB); longer gets 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>
    /// Time a client has to send a request's line and headers, from its first byte (Kestrel's default is 30 s).
    /// A slower client (slow-loris) gets 408 and its connection is closed.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Lowest average rate, in bytes per second, at which a request body must arrive once
    /// <see cref="MinRequestBodyDataRateGracePeriod"/> has passed; a slower body is answered 408. 0 disables the check.
    /// </summary>
    public double MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>Time a request body may arrive below <see cref="MinRequestBodyDataRate"/> before the rate is enforced; must exceed 1 s.</summary>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);
}
