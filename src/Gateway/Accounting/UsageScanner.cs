using System.Text.Json;

namespace LLMKube.Gateway.Accounting;

/// <summary>
/// Finds the <c>usage</c> object of an OpenAI-shaped JSON document fed in arbitrary chunks, without
/// buffering the document: a <see cref="Utf8JsonReader"/> carried across chunks, keeping only the bytes of
/// an unfinished token. Understands chat/completions/embeddings (<c>prompt_tokens</c>, <c>completion_tokens</c>)
/// and the Responses API (<c>input_tokens</c>, <c>output_tokens</c>, also under a top-level <c>response</c>).
/// Also notes whether the document carries generated output (a non-empty <c>content</c>, <c>text</c>,
/// <c>delta</c>, <c>tool_calls</c>, ...), which makes a stream event the first token.
/// </summary>
internal sealed class UsageScanner
{
    // One unfinished token (a long string split across reads) is all that is kept; past this, give up.
    private const int MaxCarry = 4 * 1024 * 1024;

    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private byte[]? _carry;
    private int _carryLength;
    private bool _failed;

    // Where the reader is: the depth inside the usage (or top-level response) object, 0 when outside; what the
    // value after the property just read means; the depth inside an output array (tool_calls, content parts).
    private int _usageDepth;
    private int _responseDepth;
    private int _outputArrayDepth;
    private Expect _expect;
    private long _prompt = -1, _completion = -1, _total = -1;

    private enum Expect { Nothing, Prompt, Completion, Total, Usage, Response, Choices, ChoicesItem, Output }

    /// <summary>The usage found so far; null until a usage object with at least one count was read.</summary>
    public TokenUsage? Usage => _prompt < 0 && _completion < 0 && _total < 0
        ? null
        : new TokenUsage(Math.Max(_prompt, 0), Math.Max(_completion, 0), _total >= 0 ? _total : Math.Max(_prompt, 0) + Math.Max(_completion, 0));

    /// <summary>True once generated output (text, a delta, a tool call) was seen.</summary>
    public bool HasOutput { get; private set; }

    /// <summary>True when the document's top-level <c>choices</c> is an empty array (OpenAI's usage-only stream chunk).</summary>
    public bool ChoicesEmpty { get; private set; }

    /// <summary>True when the input was not JSON (or too odd to follow); what was found before stays.</summary>
    public bool Failed => _failed;

    /// <summary>Starts over for a new document.</summary>
    public void Reset()
    {
        _state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 256 });
        _carryLength = 0;
        _failed = false;
        _usageDepth = _responseDepth = _outputArrayDepth = 0;
        _expect = Expect.Nothing;
        _prompt = _completion = _total = -1;
        HasOutput = ChoicesEmpty = false;
    }

    /// <summary>Reads the next bytes of the document; <paramref name="final"/> marks its end.</summary>
    public void Feed(ReadOnlySpan<byte> data, bool final = false)
    {
        if (_failed) return;
        if (_carryLength == 0)
        {
            var consumed = Scan(data, final);
            if (!_failed) Keep(data[consumed..]);
            return;
        }
        // An unfinished token from the last read: continue from the kept bytes plus these.
        if (!Keep(data)) return;
        var kept = _carry.AsSpan(0, _carryLength);
        var used = Scan(kept, final);
        if (_failed) return;
        kept[used..].CopyTo(_carry);
        _carryLength -= used;
    }

    private int Scan(ReadOnlySpan<byte> data, bool final)
    {
        var reader = new Utf8JsonReader(data, final, _state);
        try
        {
            while (reader.Read()) OnToken(ref reader);
        }
        catch (JsonException)
        {
            _failed = true;
            return 0;
        }
        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private bool Keep(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty) return true;
        var needed = _carryLength + rest.Length;
        if (needed > MaxCarry)
        {
            _failed = true;
            return false;
        }
        if (_carry is null || _carry.Length < needed) Array.Resize(ref _carry, Math.Max(needed, Math.Min(MaxCarry, Math.Max(256, (_carry?.Length ?? 0) * 2))));
        rest.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength = needed;
        return true;
    }

    private void OnToken(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        var token = reader.TokenType;
        if (token == JsonTokenType.PropertyName)
        {
            OnProperty(ref reader, depth);
            return;
        }
        var expect = _expect;
        _expect = Expect.Nothing;
        switch (token)
        {
            case JsonTokenType.StartObject:
                if (expect == Expect.Usage) _usageDepth = depth + 1;
                else if (expect == Expect.Response) _responseDepth = depth + 1;
                else if (expect == Expect.ChoicesItem) ChoicesEmpty = false;
                if (_outputArrayDepth > 0 && depth == _outputArrayDepth) HasOutput = true;
                return;
            case JsonTokenType.EndObject:
                if (_usageDepth > 0 && depth == _usageDepth - 1) _usageDepth = 0;
                else if (_responseDepth > 0 && depth == _responseDepth - 1) _responseDepth = 0;
                return;
            case JsonTokenType.StartArray:
                if (expect == Expect.Choices)
                {
                    ChoicesEmpty = true; // until an item shows up
                    _expect = Expect.ChoicesItem;
                }
                else if (expect == Expect.Output && _outputArrayDepth == 0)
                {
                    _outputArrayDepth = depth + 1;
                }
                return;
            case JsonTokenType.EndArray:
                if (_outputArrayDepth > 0 && depth == _outputArrayDepth - 1) _outputArrayDepth = 0;
                return;
            case JsonTokenType.Number:
                if (expect is Expect.Prompt or Expect.Completion or Expect.Total && reader.TryGetInt64(out var value) && value >= 0)
                {
                    if (expect == Expect.Prompt) _prompt = value;
                    else if (expect == Expect.Completion) _completion = value;
                    else _total = value;
                }
                else if (expect == Expect.ChoicesItem) ChoicesEmpty = false;
                if (_outputArrayDepth > 0 && depth == _outputArrayDepth) HasOutput = true;
                return;
            case JsonTokenType.String:
                if ((expect == Expect.Output || (_outputArrayDepth > 0 && depth == _outputArrayDepth)) && reader.ValueSpan.Length > 0) HasOutput = true;
                if (expect == Expect.ChoicesItem) ChoicesEmpty = false;
                return;
            default:
                if (expect == Expect.ChoicesItem) ChoicesEmpty = false;
                return;
        }
    }

    private void OnProperty(ref Utf8JsonReader reader, int depth)
    {
        if (_usageDepth > 0)
        {
            _expect = depth != _usageDepth ? Expect.Nothing
                : reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8) ? Expect.Prompt
                : reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8) ? Expect.Completion
                : reader.ValueTextEquals("total_tokens"u8) ? Expect.Total
                : Expect.Nothing;
            return;
        }
        if (depth == 1 && reader.ValueTextEquals("choices"u8)) _expect = Expect.Choices;
        else if ((depth == 1 || depth == _responseDepth) && reader.ValueTextEquals("usage"u8)) _expect = Expect.Usage;
        else if (depth == 1 && reader.ValueTextEquals("response"u8)) _expect = Expect.Response;
        else if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("delta"u8)
                 || reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8)
                 || reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("refusal"u8)) _expect = Expect.Output;
        else _expect = Expect.Nothing;
    }
}
