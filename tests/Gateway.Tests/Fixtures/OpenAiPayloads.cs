using System.Text.Json;
using System.Text.Json.Nodes;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Minimal OpenAI wire payloads produced by <see cref="FakeUpstream"/>.</summary>
internal static class OpenAiPayloads
{
    public const string DefaultModel = "fake-model";
    public const string CompletionId = "chatcmpl-fake";

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
    public static string ChatCompletionChunk(string model, int index, int total)
    {
        var delta = new JsonObject();
        if (index == 0)
        {
            delta["role"] = "assistant";
        }

        delta["content"] = $"token{index} ";
        return new JsonObject
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
        }.ToJsonString();
    }
}
