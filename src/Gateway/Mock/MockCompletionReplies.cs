using System.Text.Json;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// Chat completions and legacy text completions in the OpenAI wire shapes: one JSON object, or a
/// stream of chunks (role first, one chunk per piece, a last chunk with <c>finish_reason</c>, the
/// usage chunk <c>{"choices":[],"usage":{...}}</c> when asked for, then <c>data: [DONE]</c>).
/// </summary>
internal static class MockCompletionReplies
{
    /// <summary>A <c>chat.completion</c> object.</summary>
    public static byte[] Chat(MockReply reply) => MockJson.Write(reply, static (w, r) =>
    {
        w.WriteStartObject();
        Head(w, r, "chat.completion");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        w.WriteString("content", r.Text);
        w.WriteNull("refusal");
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", "stop");
        w.WriteEndObject();
        w.WriteEndArray();
        MockJson.WriteUsage(w, r.PromptTokens, r.CompletionTokens);
        w.WriteEndObject();
    });

    /// <summary>The events of a streamed chat completion.</summary>
    public static List<byte[]> ChatStream(MockReply reply)
    {
        var events = new List<byte[]>(reply.Pieces.Length + 3);
        for (var i = 0; i < reply.Pieces.Length; i++)
            events.Add(MockJson.SseEvent(ChatChunk(reply, i == 0 ? "assistant" : null, reply.Pieces[i], null)));
        events.Add(MockJson.SseEvent(ChatChunk(reply, null, null, "stop")));
        if (reply.IncludeUsage) events.Add(MockJson.SseEvent(UsageChunk(reply, "chat.completion.chunk")));
        events.Add(MockJson.Done);
        return events;
    }

    /// <summary>A <c>text_completion</c> object.</summary>
    public static byte[] Text(MockReply reply) => MockJson.Write(reply, static (w, r) =>
    {
        w.WriteStartObject();
        Head(w, r, "text_completion");
        w.WriteStartArray("choices");
        TextChoice(w, r.Text, "stop");
        w.WriteEndArray();
        MockJson.WriteUsage(w, r.PromptTokens, r.CompletionTokens);
        w.WriteEndObject();
    });

    /// <summary>The events of a streamed text completion.</summary>
    public static List<byte[]> TextStream(MockReply reply)
    {
        var events = new List<byte[]>(reply.Pieces.Length + 3);
        foreach (var piece in reply.Pieces) events.Add(MockJson.SseEvent(TextChunk(reply, piece, null)));
        events.Add(MockJson.SseEvent(TextChunk(reply, "", "stop")));
        if (reply.IncludeUsage) events.Add(MockJson.SseEvent(UsageChunk(reply, "text_completion")));
        events.Add(MockJson.Done);
        return events;
    }

    private static byte[] ChatChunk(MockReply reply, string? role, string? content, string? finishReason)
        => MockJson.Write((reply, role, content, finishReason), static (w, s) =>
        {
            w.WriteStartObject();
            Head(w, s.reply, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            if (s.role is not null) w.WriteString("role", s.role);
            if (s.content is not null) w.WriteString("content", s.content);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            FinishReason(w, s.finishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            // With include_usage every chunk carries "usage": null until the usage chunk, as OpenAI streams do.
            if (s.reply.IncludeUsage) w.WriteNull("usage");
            w.WriteEndObject();
        });

    private static byte[] TextChunk(MockReply reply, string text, string? finishReason)
        => MockJson.Write((reply, text, finishReason), static (w, s) =>
        {
            w.WriteStartObject();
            Head(w, s.reply, "text_completion");
            w.WriteStartArray("choices");
            TextChoice(w, s.text, s.finishReason);
            w.WriteEndArray();
            if (s.reply.IncludeUsage) w.WriteNull("usage");
            w.WriteEndObject();
        });

    private static byte[] UsageChunk(MockReply reply, string objectType) => MockJson.Write((reply, objectType), static (w, s) =>
    {
        w.WriteStartObject();
        Head(w, s.reply, s.objectType);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        MockJson.WriteUsage(w, s.reply.PromptTokens, s.reply.CompletionTokens);
        w.WriteEndObject();
    });

    private static void Head(Utf8JsonWriter w, MockReply reply, string objectType)
    {
        w.WriteString("id", reply.Id);
        w.WriteString("object", objectType);
        w.WriteNumber("created", reply.Created);
        w.WriteString("model", reply.Model);
        w.WriteString("system_fingerprint", "mock");
    }

    private static void TextChoice(Utf8JsonWriter w, string text, string? finishReason)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        w.WriteNumber("index", 0);
        w.WriteNull("logprobs");
        FinishReason(w, finishReason);
        w.WriteEndObject();
    }

    private static void FinishReason(Utf8JsonWriter w, string? finishReason)
    {
        if (finishReason is null) w.WriteNull("finish_reason");
        else w.WriteString("finish_reason", finishReason);
    }
}
