using System.Text;
using System.Text.Json;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// What the mock reads from a request body: the model, whether to stream, the text to echo, the
/// prompt's token estimate, and the inputs of an embeddings request. Parsing is strict about the
/// fields the mock uses (a wrong type is a 400, as the real API answers) and ignores every other field.
/// </summary>
internal sealed record MockPrompt(string Model, bool Stream, bool IncludeUsage, string LastUserText, int PromptTokens)
{
    /// <summary>The texts to embed (token-id inputs as their ids joined by spaces).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The embedding length: the request's <c>dimensions</c>, else <see cref="DefaultDimensions"/>.</summary>
    public int Dimensions { get; init; } = DefaultDimensions;

    /// <summary>The request's <c>encoding_format</c> is <c>base64</c> (the OpenAI SDKs' default).</summary>
    public bool Base64 { get; init; }

    /// <summary>The embedding length when the request names none.</summary>
    public const int DefaultDimensions = 16;

    /// <summary>The largest accepted <c>dimensions</c>.</summary>
    public const int MaxDimensions = 4096;

    /// <summary>Parses <paramref name="body"/> for <paramref name="endpoint"/>; returns the problem (a 400), or null.</summary>
    public static string? TryParse(MockEndpoint endpoint, ReadOnlyMemory<byte> body, out MockPrompt prompt)
    {
        prompt = new("", false, false, "", 0);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return $"request body is not valid JSON: {ex.Message}";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return "request body must be a JSON object";
            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            var includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            try
            {
                var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "mock";
                var basic = new MockPrompt(model, stream, includeUsage, "", 0);
                return endpoint switch
                {
                    MockEndpoint.ChatCompletions => ParseChat(root, basic, out prompt),
                    MockEndpoint.Completions => ParseCompletions(root, basic, out prompt),
                    MockEndpoint.Embeddings => ParseEmbeddings(root, basic, out prompt),
                    _ => ParseResponses(root, basic, out prompt),
                };
            }
            catch (InvalidOperationException ex)
            {
                // GetString on an escaped lone surrogate ("\ud800"), which has no UTF-16 form.
                return $"request body is not valid JSON: {ex.Message}";
            }
        }
    }

    private static string? ParseChat(JsonElement root, MockPrompt basic, out MockPrompt prompt)
    {
        prompt = basic;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            return "'messages' must be a non-empty array";
        var tokens = 0;
        string? lastUser = null, last = null;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object) return "each of 'messages' must be an object";
            var text = message.TryGetProperty("content", out var content) ? Text(content) : "";
            tokens += TokenEstimate.Of(text);
            last = text;
            if (message.TryGetProperty("role", out var role) && role.ValueEquals("user")) lastUser = text;
        }

        prompt = basic with { LastUserText = lastUser ?? last ?? "", PromptTokens = tokens };
        return null;
    }

    private static string? ParseCompletions(JsonElement root, MockPrompt basic, out MockPrompt prompt)
    {
        prompt = basic;
        if (!root.TryGetProperty("prompt", out var value) || ReadInputs(value) is not { } inputs)
            return "'prompt' must be a string, an array of strings, or token ids";
        prompt = basic with { LastUserText = inputs.Texts.FirstOrDefault() ?? "", PromptTokens = inputs.Tokens };
        return null;
    }

    private static string? ParseEmbeddings(JsonElement root, MockPrompt basic, out MockPrompt prompt)
    {
        prompt = basic;
        if (!root.TryGetProperty("input", out var value) || ReadInputs(value) is not { } inputs || inputs.Texts.Count == 0)
            return "'input' must be a string, a non-empty array of strings, or token ids";
        var dimensions = DefaultDimensions;
        if (root.TryGetProperty("dimensions", out var d) && d.ValueKind != JsonValueKind.Null
            && (!d.TryGetInt32(out dimensions) || dimensions < 1 || dimensions > MaxDimensions))
            return $"'dimensions' must be an integer from 1 to {MaxDimensions}";
        var base64 = false;
        if (root.TryGetProperty("encoding_format", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (!f.ValueEquals("float") && !f.ValueEquals("base64")) return "'encoding_format' must be \"float\" or \"base64\"";
            base64 = f.ValueEquals("base64");
        }

        prompt = basic with { LastUserText = inputs.Texts[0], PromptTokens = inputs.Tokens, Inputs = inputs.Texts, Dimensions = dimensions, Base64 = base64 };
        return null;
    }

    private static string? ParseResponses(JsonElement root, MockPrompt basic, out MockPrompt prompt)
    {
        prompt = basic;
        var tokens = root.TryGetProperty("instructions", out var instructions) && instructions.ValueKind == JsonValueKind.String
            ? TokenEstimate.Of(instructions.GetString()!) : 0;
        if (!root.TryGetProperty("input", out var input)) return "'input' is required";
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            prompt = basic with { LastUserText = text, PromptTokens = tokens + TokenEstimate.Of(text) };
            return null;
        }

        if (input.ValueKind != JsonValueKind.Array) return "'input' must be a string or an array of input items";
        string? lastUser = null, last = null;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) return "each of 'input' must be an object";
            var text = item.TryGetProperty("content", out var content) ? Text(content)
                : item.TryGetProperty("output", out var output) ? Text(output) : "";
            tokens += TokenEstimate.Of(text);
            last = text;
            if (item.TryGetProperty("role", out var role) && role.ValueEquals("user")) lastUser = text;
        }

        prompt = basic with { LastUserText = lastUser ?? last ?? "", PromptTokens = tokens };
        return null;
    }

    /// <summary>The text of a message content: a string, or the <c>text</c> of each part of an array, joined by spaces.</summary>
    private static string Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
        if (content.ValueKind != JsonValueKind.Array) return "";
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.String) Append(text, part.GetString()!);
            else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                Append(text, t.GetString()!);
        }

        return text.ToString();

        static void Append(StringBuilder text, string part) => (text.Length > 0 ? text.Append(' ') : text).Append(part);
    }

    /// <summary>A <c>prompt</c> or <c>input</c>: a string, strings, token ids or arrays of token ids; null when it is none of these.</summary>
    private static (List<string> Texts, int Tokens)? ReadInputs(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) return ([value.GetString()!], TokenEstimate.Of(value.GetString()!));
        if (value.ValueKind != JsonValueKind.Array) return null;
        if (TokenIds(value) is { } ids) return ids.Length == 0 ? ([], 0) : ([string.Join(' ', ids)], ids.Length);
        var texts = new List<string>();
        var tokens = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                texts.Add(item.GetString()!);
                tokens += TokenEstimate.Of(item.GetString()!);
            }
            else if (item.ValueKind == JsonValueKind.Array && TokenIds(item) is { } itemIds)
            {
                texts.Add(string.Join(' ', itemIds));
                tokens += itemIds.Length;
            }
            else
            {
                return null;
            }
        }

        return (texts, tokens);
    }

    private static long[]? TokenIds(JsonElement array)
    {
        var ids = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out ids[i++])) return null;
        }

        return ids;
    }
}
