using System.Net.Http.Headers;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Forwarding;

/// <summary>Header rules shared by forwarded and mirrored requests.</summary>
internal static class UpstreamHeaders
{
    /// <summary>The request id the gateway answers with, logs and sends upstream: the client's own when short and plain, else generated.</summary>
    public const string RequestId = "x-request-id";

    /// <summary>Inbound headers never copied upstream: hop-by-hop, framing, and the client's own credentials.</summary>
    public static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "authorization", "content-length", "host", "x-api-key", "api-key",
    };

    /// <summary>
    /// Drops the client's <c>Authorization</c> and <c>Accept-Encoding</c>, injects the backend's credential in
    /// its provider's shape, and asks for a fresh connection to cloud backends.
    /// </summary>
    public static void Apply(HttpRequestMessage request, BackendConfig backend, string? credential)
    {
        var headers = request.Headers;
        headers.Host = null; // the destination's host, never the gateway's
        headers.Authorization = null;
        headers.Remove("Proxy-Authorization");
        // The client's own provider keys (Anthropic, Azure styles) never leave the gateway either.
        headers.Remove("x-api-key");
        headers.Remove("api-key");
        // A compressed body would hide its usage from the gateway (OpenAI compresses when asked): plain bodies only.
        headers.Remove("Accept-Encoding");
        if (credential is not null)
        {
            if (string.Equals(backend.Provider, "anthropic", StringComparison.OrdinalIgnoreCase))
            {
                headers.Remove("x-api-key");
                headers.TryAddWithoutValidation("x-api-key", credential);
                headers.Remove("anthropic-version");
                headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            }
            else
            {
                headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            }
        }
        if (backend.Tier == BackendTier.Cloud) headers.ConnectionClose = true;
    }
}
