namespace LLMKube.Gateway.Audit;

/// <summary>
/// What the audit line says about the request itself, known before any backend is tried: a value carried
/// through the dispatch (a struct, so gathering it allocates nothing) and put into the one <see cref="AuditRecord"/>.
/// </summary>
internal readonly record struct AuditRequest(string Router, string RequestId, string Path)
{
    public string Model { get; init; } = "";
    public string Classification { get; init; } = "";
    public string TaskComplexity { get; init; } = "";
    public bool Stream { get; init; }
    public long RequestBytes { get; init; }
    public string? Rule { get; init; }
    /// <summary>The time-to-headers budget before any attempt: the rule timeout or <c>responseHeaderTimeout</c>; 0 before matching.</summary>
    public long TimeoutMs { get; init; }
    public string? Shadow { get; init; }
}
