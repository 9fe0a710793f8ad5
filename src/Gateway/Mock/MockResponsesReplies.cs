using System.Text.Json;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// The Responses API (<c>/v1/responses</c>): a <c>response</c> object with one assistant message, or
/// its stream of typed events (<c>response.created</c>, <c>response.in_progress</c>, the output item
/// and content part events, one <c>response.output_text.delta</c> per piece, <c>response.completed</c>).
/// Usage uses this API's names: <c>input_tokens</c>, <c>output_tokens</c>, <c>total_tokens</c>.
/// </summary>
internal static class MockResponsesReplies
{
    /// <summary>A completed <c>response</c> object.</summary>
    public static byte[] Response(MockReply reply) => MockJson.Write(reply, static (w, r) => WriteResponse(w, r, completed: true));

    /// <summary>The events of a streamed response; the Responses API ends with <c>response.completed</c>, not <c>[DONE]</c>.</summary>
    public static List<byte[]> Stream(MockReply reply)
    {
        var events = new List<byte[]>(reply.Pieces.Length + 8);
        var sequence = 0;
        void Add(string type, Action<Utf8JsonWriter> body) => events.Add(MockJson.SseEvent(MockJson.Write((type, number: sequence++, body), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", s.type);
            w.WriteNumber("sequence_number", s.number);
            s.body(w);
            w.WriteEndObject();
        }), type));

        var itemId = MessageId(reply);
        Add("response.created", w => { w.WritePropertyName("response"); WriteResponse(w, reply, completed: false); });
        Add("response.in_progress", w => { w.WritePropertyName("response"); WriteResponse(w, reply, completed: false); });
        Add("response.output_item.added", w =>
        {
            w.WriteNumber("output_index", 0);
            w.WritePropertyName("item");
            WriteMessage(w, reply, completed: false);
        });
        Add("response.content_part.added", w =>
        {
            Part(w, itemId);
            w.WritePropertyName("part");
            WriteOutputText(w, "");
        });
        foreach (var piece in reply.Pieces)
        {
            Add("response.output_text.delta", w =>
            {
                Part(w, itemId);
                w.WriteString("delta", piece);
                w.WriteStartArray("logprobs");
                w.WriteEndArray();
            });
        }

        Add("response.output_text.done", w =>
        {
            Part(w, itemId);
            w.WriteString("text", reply.Text);
            w.WriteStartArray("logprobs");
            w.WriteEndArray();
        });
        Add("response.content_part.done", w =>
        {
            Part(w, itemId);
            w.WritePropertyName("part");
            WriteOutputText(w, reply.Text);
        });
        Add("response.output_item.done", w =>
        {
            w.WriteNumber("output_index", 0);
            w.WritePropertyName("item");
            WriteMessage(w, reply, completed: true);
        });
        Add("response.completed", w => { w.WritePropertyName("response"); WriteResponse(w, reply, completed: true); });
        return events;
    }

    private static void WriteResponse(Utf8JsonWriter w, MockReply reply, bool completed)
    {
        w.WriteStartObject();
        w.WriteString("id", reply.Id);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", reply.Created);
        w.WriteString("status", completed ? "completed" : "in_progress");
        w.WriteString("model", reply.Model);
        w.WriteStartArray("output");
        if (completed) WriteMessage(w, reply, completed: true);
        w.WriteEndArray();
        w.WriteNull("error");
        w.WriteNull("incomplete_details");
        w.WriteNull("instructions");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteBoolean("parallel_tool_calls", true);
        w.WriteString("tool_choice", "auto");
        w.WriteStartArray("tools");
        w.WriteEndArray();
        w.WriteStartObject("text");
        w.WriteStartObject("format");
        w.WriteString("type", "text");
        w.WriteEndObject();
        w.WriteEndObject();
        if (completed)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", reply.PromptTokens);
            w.WriteStartObject("input_tokens_details");
            w.WriteNumber("cached_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("output_tokens", reply.CompletionTokens);
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("reasoning_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("total_tokens", reply.PromptTokens + reply.CompletionTokens);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("usage");
        }

        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, MockReply reply, bool completed)
    {
        w.WriteStartObject();
        w.WriteString("type", "message");
        w.WriteString("id", MessageId(reply));
        w.WriteString("status", completed ? "completed" : "in_progress");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        if (completed) WriteOutputText(w, reply.Text);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteOutputText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type", "output_text");
        w.WriteString("text", text);
        w.WriteStartArray("annotations");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Part(Utf8JsonWriter w, string itemId)
    {
        w.WriteString("item_id", itemId);
        w.WriteNumber("output_index", 0);
        w.WriteNumber("content_index", 0);
    }

    private static string MessageId(MockReply reply) => "msg_" + reply.Id["resp_".Length..];
}
