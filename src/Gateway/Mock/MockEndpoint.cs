namespace LLMKube.Gateway.Mock;

/// <summary>The OpenAI endpoints the mock answers.</summary>
internal enum MockEndpoint
{
    /// <summary>Not an endpoint the mock knows: 404.</summary>
    Unknown,
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,
    /// <summary><c>POST /v1/completions</c> (legacy text completions).</summary>
    Completions,
    /// <summary><c>POST /v1/embeddings</c>.</summary>
    Embeddings,
    /// <summary><c>POST /v1/responses</c> (the Responses API).</summary>
    Responses,
}
