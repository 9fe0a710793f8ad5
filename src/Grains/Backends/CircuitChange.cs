namespace LLMKube.Grains.Backends;

/// <summary>What kind of change one health state is from the previous one (what a log line should say).</summary>
public enum CircuitChange
{
    /// <summary>Nothing a reader would notice.</summary>
    None,
    /// <summary>Closed to open.</summary>
    Opened,
    /// <summary>A failed half-open probe or check: open again, one backoff step further.</summary>
    Reopened,
    /// <summary>Still open, until a later time (a 429's Retry-After).</summary>
    Extended,
    /// <summary>Open to closed.</summary>
    Closed,
    /// <summary>The half-open probe lease was granted.</summary>
    ProbeGranted,
    /// <summary>The half-open probe lease was released without a verdict.</summary>
    ProbeReleased,
    /// <summary>A failure or check was counted toward a threshold, or a count was reset.</summary>
    Counted,
}
