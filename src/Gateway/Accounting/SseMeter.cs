using System.Buffers;

namespace LLMKube.Gateway.Accounting;

/// <summary>
/// Follows a relayed server-sent-event stream event by event: the last <c>usage</c> it carried, when the
/// first event with generated output arrived, whether it ended with <c>data: [DONE]</c>. With
/// <see cref="DropUsageOnlyEvents"/>, events that carry only usage (<c>"choices": []</c>, which the gateway
/// asked the upstream for on the client's behalf) are removed from the output; every other byte passes
/// unchanged and an event is released as soon as its blank line arrives.
/// </summary>
internal sealed class SseMeter(TimeProvider time, bool dropUsageOnlyEvents) : IDisposable
{
    // Past an event this long the stream is no longer OpenAI-shaped: the rest passes through unexamined.
    private const int MaxEvent = 1024 * 1024;

    private readonly UsageScanner _scanner = new();
    private readonly List<Range> _data = [];
    // Rented while an event is being read, returned once it is over: a stream between events holds none.
    private byte[] _event = [];
    private int _eventLength;
    private bool _eventMentionsUsage;
    private bool _passThrough;
    private bool _afterCr;
    private bool _droppedLast;
    private int _lineStart;

    public bool DropUsageOnlyEvents { get; } = dropUsageOnlyEvents;

    /// <summary>The usage of the last event that reported one.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>Stopwatch timestamp of the first event with generated output; 0 when none came.</summary>
    public long FirstTokenAt { get; private set; }

    /// <summary>True once <c>data: [DONE]</c> was seen.</summary>
    public bool SawDone { get; private set; }

    /// <summary>Events removed because they carried only usage.</summary>
    public int Dropped { get; private set; }

    /// <summary>
    /// Takes the next bytes of the stream. With <see cref="DropUsageOnlyEvents"/>, writes what the client
    /// receives to <paramref name="output"/>; otherwise only observes (the caller relays the bytes itself).
    /// </summary>
    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte>? output)
    {
        if (_passThrough)
        {
            if (DropUsageOnlyEvents) output?.Write(input);
            return;
        }
        while (!input.IsEmpty)
        {
            // A line ends at LF, CRLF or a lone CR. A CR that ends a read may be the first half of a CRLF: the LF
            // that follows is kept with the bytes (it is the same line ending), not taken for an empty line.
            var skipLf = _afterCr && input[0] == (byte)'\n';
            _afterCr = false;
            if (skipLf && _eventLength == 0)
            {
                // That CR ended an event, already released (or dropped): its LF follows it out (or with it).
                if (DropUsageOnlyEvents && !_droppedLast) output?.Write(input[..1]);
                input = input[1..];
                continue;
            }
            var end = skipLf ? -1 : input.IndexOfAny((byte)'\n', (byte)'\r');
            var take = skipLf ? 1
                : end < 0 ? input.Length
                : input[end] == (byte)'\r' && end + 1 < input.Length && input[end + 1] == (byte)'\n' ? end + 2
                : end + 1;
            if (!Append(input[..take], output))
            {
                if (DropUsageOnlyEvents) output?.Write(input[take..]);
                return;
            }
            input = input[take..];
            if (skipLf) _lineStart = _eventLength;
            else if (end >= 0)
            {
                _afterCr = take == end + 1 && input.IsEmpty && _event[_eventLength - 1] == (byte)'\r';
                EndLine(output);
            }
        }
    }

    /// <summary>The stream ended: an unterminated last event is handled as if its blank line had come.</summary>
    public void Complete(IBufferWriter<byte>? output)
    {
        if (_passThrough) return;
        if (_eventLength > _lineStart) EndLine(output);
        if (_eventLength > 0) EndEvent(output);
    }

    private bool Append(ReadOnlySpan<byte> bytes, IBufferWriter<byte>? output)
    {
        var needed = _eventLength + bytes.Length;
        if (needed > MaxEvent)
        {
            if (DropUsageOnlyEvents)
            {
                output?.Write(_event.AsSpan(0, _eventLength));
                output?.Write(bytes);
            }
            _passThrough = true;
            return false;
        }
        if (needed > _event.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxEvent, Math.Max(needed, Math.Max(1024, _event.Length * 2))));
            _event.AsSpan(0, _eventLength).CopyTo(bigger);
            if (_event.Length > 0) ArrayPool<byte>.Shared.Return(_event);
            _event = bigger;
        }
        bytes.CopyTo(_event.AsSpan(_eventLength));
        _eventLength = needed;
        return true;
    }

    private void EndLine(IBufferWriter<byte>? output)
    {
        var line = _event.AsSpan(_lineStart, _eventLength - _lineStart);
        var content = line.TrimEnd("\r\n"u8);
        if (content.IsEmpty)
        {
            EndEvent(output);
            return;
        }
        if (content.StartsWith("data:"u8))
        {
            var skip = content.Length > 5 && content[5] == (byte)' ' ? 6 : 5;
            var data = content[skip..];
            if (data.SequenceEqual("[DONE]"u8)) SawDone = true;
            else
            {
                _data.Add(new Range(_lineStart + skip, _lineStart + content.Length));
                _eventMentionsUsage |= data.IndexOf("\"usage\""u8) >= 0;
            }
        }
        _lineStart = _eventLength;
    }

    private void EndEvent(IBufferWriter<byte>? output)
    {
        var drop = false;
        // Once the first token is known, only an event that names "usage" can still tell anything.
        if (_data.Count > 0 && (FirstTokenAt == 0 || _eventMentionsUsage))
        {
            foreach (var range in _data)
            {
                _scanner.Feed(_event.AsSpan(range));
                _scanner.Feed("\n"u8);
            }
            _scanner.Feed([], final: true);
            if (!_scanner.Failed)
            {
                if (_scanner.Usage is { } usage) Usage = usage;
                if (_scanner.HasOutput && FirstTokenAt == 0) FirstTokenAt = time.GetTimestamp();
                drop = DropUsageOnlyEvents && _scanner.ChoicesEmpty && _scanner.Usage is not null;
            }
            _scanner.Reset();
        }
        _droppedLast = drop;
        if (DropUsageOnlyEvents)
        {
            if (drop) Dropped++;
            else output?.Write(_event.AsSpan(0, _eventLength));
        }
        ResetEvent();
    }

    private void ResetEvent()
    {
        if (_event.Length > 0) ArrayPool<byte>.Shared.Return(_event);
        _event = [];
        _eventLength = _lineStart = 0;
        _data.Clear();
        _eventMentionsUsage = false;
    }

    public void Dispose()
    {
        var buffer = _event;
        _event = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
