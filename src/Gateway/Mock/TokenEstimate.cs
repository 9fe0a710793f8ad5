namespace LLMKube.Gateway.Mock;

/// <summary>
/// The mock's token count: one token per four characters, rounded up (the usual rule of thumb for
/// English with OpenAI tokenizers). Deterministic, so tests and token accounting can predict it.
/// </summary>
internal static class TokenEstimate
{
    /// <summary>The estimated tokens of <paramref name="text"/>: <c>ceil(length / 4)</c>, 0 for empty text.</summary>
    public static int Of(string text) => (text.Length + 3) / 4;
}
