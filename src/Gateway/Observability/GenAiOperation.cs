namespace LLMKube.Gateway.Observability;

/// <summary>The OpenTelemetry GenAI <c>gen_ai.operation.name</c> of a routed path.</summary>
internal static class GenAiOperation
{
    public static string Of(string path) => path switch
    {
        "/v1/chat/completions" => "chat",
        "/v1/completions" => "text_completion",
        "/v1/embeddings" => "embeddings",
        "/v1/responses" => "responses",
        _ => "other",
    };
}
