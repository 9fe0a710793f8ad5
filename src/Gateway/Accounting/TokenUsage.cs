namespace LLMKube.Gateway.Accounting;

/// <summary>Token counts an upstream reported in its <c>usage</c> object.</summary>
internal readonly record struct TokenUsage(long Prompt, long Completion, long Total);
