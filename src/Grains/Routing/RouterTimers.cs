namespace LLMKube.Grains.Routing;

/// <summary>The data-plane timers of one router (<c>spec.proxy</c>), with defaults applied.</summary>
[GenerateSerializer, Immutable]
public sealed record RouterTimers(
    [property: Id(0)] TimeSpan ResponseHeaderTimeout,
    [property: Id(1)] TimeSpan ConnectTimeout,
    [property: Id(2)] TimeSpan? StreamIdleTimeout,
    [property: Id(3)] TimeSpan? MaxStreamDuration,
    [property: Id(4)] TimeSpan QuarantineDuration)
{
    public static readonly TimeSpan DefaultResponseHeaderTimeout = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultQuarantineDuration = TimeSpan.FromSeconds(15);

    public static RouterTimers Default { get; } = new(
        DefaultResponseHeaderTimeout, DefaultConnectTimeout, null, null, DefaultQuarantineDuration);

    /// <summary>
    /// The time-to-response-headers budget of one attempt: the rule's <c>timeout</c>, else the backend's,
    /// else <see cref="ResponseHeaderTimeout"/>. The one place this precedence is decided.
    /// </summary>
    public TimeSpan HeaderBudget(TimeSpan? ruleTimeout, TimeSpan? backendTimeout) => ruleTimeout ?? backendTimeout ?? ResponseHeaderTimeout;
}
