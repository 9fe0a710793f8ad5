namespace LLMKube.Gateway.Mock;

/// <summary>One answer of the mock, before it is written in an endpoint's shape.</summary>
/// <param name="Id">The response id (deterministic: a hash of the request body).</param>
/// <param name="Created">Unix seconds.</param>
/// <param name="Model">The request's model, echoed as real servers do.</param>
/// <param name="Pieces">The answer's text in the pieces a stream sends.</param>
/// <param name="PromptTokens">The prompt's token estimate.</param>
/// <param name="IncludeUsage">The client asked for a final usage chunk (<c>stream_options.include_usage</c>).</param>
internal sealed record MockReply(string Id, long Created, string Model, string[] Pieces, int PromptTokens, bool IncludeUsage)
{
    /// <summary>The whole answer.</summary>
    public string Text { get; } = MockReplyText.Join(Pieces);

    /// <summary>The answer's token estimate.</summary>
    public int CompletionTokens => TokenEstimate.Of(Text);
}
