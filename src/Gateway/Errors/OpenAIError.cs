using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LLMKube.Gateway.Errors;

/// <summary>
/// Writes errors in the OpenAI shape, <c>{"error":{"message","type","code"}}</c>, so every SDK
/// surfaces them as API errors with a readable message.
/// </summary>
internal static class OpenAIError
{
    /// <summary>The header OpenAI's SDKs read to decide whether to retry; sent as <c>false</c> for refusals a retry cannot fix.</summary>
    public const string ShouldRetryHeader = "x-should-retry";

    // The body is JSON served as application/json, never HTML: quotes and non-ASCII text stay readable.
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string TypeFor(int status) => status switch
    {
        400 or 404 or 405 or 408 or 413 => "invalid_request_error",
        429 => "rate_limit_error",
        503 => "service_unavailable",
        504 => "timeout",
        _ => "upstream_error",
    };

    /// <summary>The JSON body of an error.</summary>
    public static byte[] Body(int status, string code, string message)
    {
        using var buffer = new MemoryStream(128 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", TypeFor(status));
            writer.WriteString("code", code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static Task WriteAsync(HttpContext context, int status, string code, string message, TimeSpan? retryAfter = null, string? allow = null, bool? shouldRetry = null)
    {
        var response = context.Response;
        if (response.HasStarted) return Task.CompletedTask;
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (allow is not null) response.Headers.Allow = allow;
        if (retryAfter is { } delay)
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (shouldRetry is { } retry) response.Headers[ShouldRetryHeader] = retry ? "true" : "false";
        var body = Body(status, code, message);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>An SSE event that ends a stream the gateway had to cut.</summary>
    public static byte[] SseEvent(int status, string code, string message)
    {
        var json = Body(status, code, message);
        var prefix = "event: error\ndata: "u8;
        var result = new byte[prefix.Length + json.Length + 2];
        prefix.CopyTo(result);
        json.CopyTo(result.AsSpan(prefix.Length));
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }
}
