namespace LLMKube.Gateway.Mock;

/// <summary>
/// Reads a request URI addressed to the mock back into its two parts: the backend's options and the
/// OpenAI endpoint path. The forwarder appends the inbound path and query to the backend address as
/// text, so <c>http://mock.llmkube.invalid?status=503</c> arrives as <c>/?status=503/v1/chat/completions</c>.
/// The client's own query string, after the endpoint path, is never read as options.
/// </summary>
internal static class MockAddress
{
    /// <summary>The options query (without <c>?</c>) and the endpoint path of <paramref name="uri"/>.</summary>
    public static (string Options, string Path) Split(Uri uri)
    {
        var path = uri.AbsolutePath;
        var query = uri.Query.Length > 0 ? uri.Query[1..] : "";
        // Option values never hold a '/', so the first one starts the appended endpoint path.
        var slash = query.IndexOf('/', StringComparison.Ordinal);
        if (path != "/" || slash < 0) return ("", path);
        var rest = query[slash..];
        var inboundQuery = rest.IndexOf('?', StringComparison.Ordinal);
        return (query[..slash], inboundQuery >= 0 ? rest[..inboundQuery] : rest);
    }
}
