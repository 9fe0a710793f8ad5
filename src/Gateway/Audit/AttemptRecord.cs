namespace LLMKube.Gateway.Audit;

/// <summary>One backend tried (or skipped) for a request; <paramref name="Panic"/> marks a try past a quarantine because nothing else was eligible.</summary>
internal readonly record struct AttemptRecord(string Backend, string Outcome, int Status, long Milliseconds, bool Panic = false);
