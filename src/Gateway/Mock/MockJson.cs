using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LLMKube.Gateway.Mock;

/// <summary>JSON and SSE framing shared by the mock's answers.</summary>
internal static class MockJson
{
    // Relaxed escaping: the echoed text stays readable in curl output ("Say hello", not \u0022Say hello\u0022).
    private static readonly JsonWriterOptions _options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The UTF-8 JSON that <paramref name="write"/> produces.</summary>
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, _options))
        {
            write(writer, state);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>data: &lt;json&gt;</c> and a blank line, preceded by <c>event: &lt;name&gt;</c> when a name is given.</summary>
    public static byte[] SseEvent(byte[] json, string? name = null)
    {
        var head = name is null ? "data: " : $"event: {name}\ndata: ";
        var result = new byte[Encoding.UTF8.GetByteCount(head) + json.Length + 2];
        var n = Encoding.UTF8.GetBytes(head, result);
        json.CopyTo(result, n);
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }

    /// <summary>The end of a chat or completions stream.</summary>
    public static byte[] Done { get; } = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>A deterministic id: <paramref name="prefix"/> and a hash of the request body.</summary>
    public static string Id(string prefix, ReadOnlySpan<byte> body)
        => prefix + Convert.ToHexStringLower(SHA256.HashData(body))[..24];

    /// <summary><c>"usage": {prompt_tokens, completion_tokens, total_tokens}</c>.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int completionTokens)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", promptTokens);
        writer.WriteNumber("completion_tokens", completionTokens);
        writer.WriteNumber("total_tokens", promptTokens + completionTokens);
        writer.WriteEndObject();
    }
}
