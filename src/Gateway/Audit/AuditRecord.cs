namespace LLMKube.Gateway.Audit;

/// <summary>One backend tried for a request.</summary>
internal readonly record struct AttemptRecord(string Backend, string Outcome, int Status, long Milliseconds);

/// <summary>
/// The audit line of one request (<c>msg: router.dispatch</c>). Carries names, numbers and outcomes
/// only: never a body, never a header value, never a credential.
/// </summary>
internal sealed class AuditRecord
{
    public required string Router { get; init; }
    public required string RequestId { get; init; }
    public required string Path { get; init; }
    public string Model { get; set; } = "";
    public string Classification { get; set; } = "";
    public string TaskComplexity { get; set; } = "";
    public bool Stream { get; set; }
    public int Status { get; set; }
    public string Outcome { get; set; } = "";
    public long LatencyMs { get; set; }
    public long DurationMs { get; set; }
    public string? Rule { get; set; }
    public string? Backend { get; set; }
    public string? BackendTier { get; set; }
    public long TimeoutMs { get; set; }
    public string? Shadow { get; set; }
    public List<AttemptRecord> Attempts { get; } = new(2);
}
