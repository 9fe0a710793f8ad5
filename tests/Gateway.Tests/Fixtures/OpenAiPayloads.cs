using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Minimal OpenAI wire payloads produced by <see cref="FakeUpstream"/>.</summary>
public static class OpenAiPayloads
{
    public const string DefaultModel = "fake-model";
    public const string CompletionId = "chatcmpl-fake";

    /// <summary>The <c>prompt_tokens</c> of the usage chunk a stream ends with when asked for it.</summary>
    public const int StreamPromptTokens = 7;

    /// <summary>The <c>model</c> field of a chat request, or <see cref="DefaultModel"/> when the body is not such JSON.</summary>
    public static string ReadModel(byte[] body)
    {
        if (body.Length == 0)
        {
            return DefaultModel;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("model", out var model)
                && model.ValueKind == JsonValueKind.String
                ? model.GetString() ?? DefaultModel
                : DefaultModel;
        }
        catch (JsonException)
        {
            return DefaultModel;
        }
    }

    /// <summary>True when a request body asks for a stream's usage chunk (<c>stream_options.include_usage: true</c>).</summary>
    public static bool ReadIncludeUsage(byte[] body)
    {
        // JsonDocument, not JsonNode: bodies with duplicate keys (which JsonObject refuses) are read too.
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("stream_options", out var options)
                && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("include_usage", out var value)
                && value.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static string ChatCompletion(string model) => new JsonObject
    {
        ["id"] = CompletionId,
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "Hello from the fake upstream." },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["completion_tokens"] = 6, ["total_tokens"] = 11 },
    }.ToJsonString();

    /// <summary>Chunk <paramref name="index"/> of <paramref name="total"/>; the first carries the role, the last the finish reason.</summary>
    /// <remarks>With <paramref name="includeUsage"/>, the chunk carries <c>"usage": null</c>, as OpenAI's do when the usage chunk was asked for.</remarks>
    public static string ChatCompletionChunk(string model, int index, int total, bool includeUsage = false)
    {
        var delta = new JsonObject();
        if (index == 0)
        {
            delta["role"] = "assistant";
        }

        delta["content"] = $"token{index} ";
        var chunk = new JsonObject
        {
            ["id"] = CompletionId,
            ["object"] = "chat.completion.chunk",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["finish_reason"] = index == total - 1 ? "stop" : null,
            }),
        };
        if (includeUsage)
        {
            chunk["usage"] = null;
        }

        return chunk.ToJsonString();
    }

    /// <summary>
    /// OpenAI's last chunk of a stream whose request asked for usage: no choices, the counts;
    /// <paramref name="completionTokens"/> is the number of chunks sent.
    /// </summary>
    public static string UsageChunk(string model, int completionTokens) => new JsonObject
    {
        ["id"] = CompletionId,
        ["object"] = "chat.completion.chunk",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = model,
        ["choices"] = new JsonArray(),
        ["usage"] = new JsonObject
        {
            ["prompt_tokens"] = StreamPromptTokens,
            ["completion_tokens"] = completionTokens,
            ["total_tokens"] = StreamPromptTokens + completionTokens,
        },
    }.ToJsonString();
}
