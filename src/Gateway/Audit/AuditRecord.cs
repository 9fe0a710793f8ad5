using LLMKube.Gateway.Accounting;

namespace LLMKube.Gateway.Audit;

/// <summary>
/// The audit line of one request (<c>msg: router.dispatch</c>), built once when the request is over, from
/// the request's facts and the dispatch's results. Carries names, numbers and outcomes only: never a body,
/// never a header value, never a credential.
/// </summary>
internal sealed record AuditRecord
{
    public required AuditRequest Request { get; init; }
    public int Status { get; init; }
    public string Outcome { get; init; } = "";
    /// <summary>From the start of the request to the response headers relayed (or the error written).</summary>
    public long LatencyMs { get; init; }
    /// <summary>From the start of the request to its end, body included.</summary>
    public long DurationMs { get; init; }
    public string? Backend { get; init; }
    public string? BackendTier { get; init; }
    /// <summary>The budget of the last attempt, or the request's before any attempt.</summary>
    public long TimeoutMs { get; init; }
    public long ResponseBytes { get; init; }
    /// <summary>To the first response body byte; null when no body was relayed.</summary>
    public long? TtfbMs { get; init; }
    /// <summary>To the first SSE event with generated output; null for JSON or when none came.</summary>
    public long? TtftMs { get; init; }
    /// <summary>The upstream's usage; null when it reported none (see <see cref="UsageMissing"/>).</summary>
    public TokenUsage? Usage { get; init; }
    /// <summary>A successful response that reported no usage: never counted as zero tokens.</summary>
    public bool UsageMissing { get; init; }
    /// <summary>The request's cost in USD from the backend's declared prices; null without prices or usage.</summary>
    public decimal? CostUsd { get; init; }
    public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];
}
