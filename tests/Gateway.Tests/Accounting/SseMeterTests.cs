using System.Buffers;
using System.Text;
using LLMKube.Gateway.Accounting;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>
/// The SSE meter follows a stream event by event, whatever the read boundaries: the last usage, the time
/// of the first event with output, <c>[DONE]</c>; when dropping, it removes exactly the usage-only events
/// and passes every other byte unchanged.
/// </summary>
public sealed class SseMeterTests
{
    private const string Role = """data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}""" + "\n\n";
    private const string Token = """data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}""" + "\n\n";
    private const string Finish = """data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""" + "\n\n";
    private const string UsageOnly = """data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""" + "\n\n";
    private const string Done = "data: [DONE]\n\n";

    private readonly FakeTimeProvider _time = new();

    private (SseMeter Meter, string Output) Run(bool drop, string stream, params int[] cuts)
    {
        var meter = new SseMeter(_time, drop);
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.UTF8.GetBytes(stream);
        var position = 0;
        foreach (var cut in cuts.Order().Distinct())
        {
            meter.Process(bytes.AsSpan(position, cut - position), output);
            position = cut;
        }
        meter.Process(bytes.AsSpan(position), output);
        meter.Complete(output);
        return (meter, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Dropping_RemovesOnlyTheUsageOnlyEvent_AndKeepsItsUsage()
    {
        var (meter, output) = Run(drop: true, Role + Token + Finish + UsageOnly + Done);

        Assert.Equal(Role + Token + Finish + Done, output);
        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
        Assert.Equal(1, meter.Dropped);
        Assert.True(meter.SawDone);
    }

    [Fact]
    public void NotDropping_ObservesTheSameAndWritesNothing()
    {
        var (meter, output) = Run(drop: false, Role + Token + Finish + UsageOnly + Done);

        Assert.Equal("", output);
        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
        Assert.Equal(0, meter.Dropped);
        Assert.True(meter.SawDone);
        Assert.NotEqual(0, meter.FirstTokenAt);
    }

    [Fact]
    public void EverySplitOfTheStream_GivesTheSameOutputAndUsage()
    {
        const string stream = ": keep-alive\n\n" + Role + Token + UsageOnly + Done;
        var expected = ": keep-alive\n\n" + Role + Token + Done;
        var length = Encoding.UTF8.GetByteCount(stream);
        for (var cut = 0; cut <= length; cut++)
        {
            var (meter, output) = Run(drop: true, stream, cut);
            Assert.Equal(expected, output);
            Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
        }
    }

    [Fact]
    public void RandomSplits_ByteByByteIncluded_GiveTheSameOutput()
    {
        const string stream = Role + Token + Token + Finish + UsageOnly + Done;
        var expected = Role + Token + Token + Finish + Done;
        var length = Encoding.UTF8.GetByteCount(stream);
        Assert.Equal(expected, Run(drop: true, stream, [.. Enumerable.Range(1, length - 1)]).Output);
        var random = new Random(7);
        for (var run = 0; run < 300; run++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, length + 1)).ToArray();
            Assert.Equal(expected, Run(drop: true, stream, cuts).Output);
        }
    }

    [Fact]
    public void CrLfLineEndings_AreEventsToo_AndPassUnchanged()
    {
        static string Crlf(string e) => e.Replace("\n", "\r\n");
        var stream = Crlf(Token) + Crlf(UsageOnly) + Crlf(Done);

        var (meter, output) = Run(drop: true, stream, 5, 40, Crlf(Token).Length - 1);

        Assert.Equal(Crlf(Token) + Crlf(Done), output);
        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
        Assert.True(meter.SawDone);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void CrLfAndLoneCrLineEndings_EverySplit_GiveTheSameOutput(string ending)
    {
        string Lines(string e) => e.Replace("\n", ending);
        var stream = Lines(": c\n\n") + Lines(Token) + Lines(UsageOnly) + Lines(Done);
        var expected = Lines(": c\n\n") + Lines(Token) + Lines(Done);
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            var (meter, output) = Run(drop: true, stream, cut);
            Assert.Equal(expected, output);
            Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
            Assert.True(meter.SawDone);
        }
        Assert.Equal(expected, Run(drop: true, stream, [.. Enumerable.Range(1, stream.Length - 1)]).Output);
    }

    [Fact]
    public void MixedLineEndings_RandomSplits_GiveTheSameOutput()
    {
        static string Lines(string e, string ending) => e.Replace("\n", ending);
        var stream = Lines(Token, "\r\n") + Lines(UsageOnly, "\r") + Lines(Finish, "\n") + Lines(UsageOnly, "\r\n") + Lines(Done, "\r");
        var expected = Lines(Token, "\r\n") + Lines(Finish, "\n") + Lines(Done, "\r");
        var random = new Random(11);
        for (var run = 0; run < 300; run++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 40)).Select(_ => random.Next(0, stream.Length + 1)).ToArray();
            var (meter, output) = Run(drop: true, stream, cuts);
            Assert.Equal(expected, output);
            Assert.Equal(2, meter.Dropped);
        }
    }

    [Fact]
    public void LoneCrLines_AreReleasedAsTheyEnd()
    {
        var meter = new SseMeter(_time, dropUsageOnlyEvents: true);
        var output = new ArrayBufferWriter<byte>();

        meter.Process(Encoding.UTF8.GetBytes(Token.Replace("\n", "\r")), output);

        Assert.Equal(Token.Replace("\n", "\r"), Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void MultiLineData_IsJoinedIntoOneDocument()
    {
        const string stream = "event: message\ndata: {\"choices\":[],\ndata:\"usage\":{\"prompt_tokens\":4,\ndata: \"completion_tokens\":1}}\n\n" + Done;

        var (meter, output) = Run(drop: true, stream);

        Assert.Equal(Done, output);
        Assert.Equal(new TokenUsage(4, 1, 5), meter.Usage);
    }

    [Fact]
    public void CommentsAndEventsWithoutData_PassUnchanged()
    {
        const string stream = ": ping\n\nevent: ping\n\nid: 3\nretry: 1000\n\n" + Done;

        var (meter, output) = Run(drop: true, stream);

        Assert.Equal(stream, output);
        Assert.Null(meter.Usage);
        Assert.Equal(0, meter.FirstTokenAt);
    }

    [Theory]
    [InlineData("""data: {"choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""")]
    [InlineData("""data: {"choices":[],"usage":null}""")]
    [InlineData("""data: {"choices":[]}""")]
    [InlineData("""data: {"choices":[],"usage":{"prompt_tokens":7}""")] // not JSON: never dropped
    [InlineData("""data: {"type":"response.completed","response":{"usage":{"input_tokens":1,"output_tokens":2}}}""")]
    public void EventsThatAreNotUsageOnly_AreKept(string line)
    {
        var stream = line + "\n\n" + Done;

        var (meter, output) = Run(drop: true, stream);

        Assert.Equal(stream, output);
        Assert.Equal(0, meter.Dropped);
    }

    [Fact]
    public void UsageWithAChoice_IsCounted_AndTheLastUsageWins()
    {
        const string first = """data: {"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""" + "\n\n";

        var (meter, _) = Run(drop: true, first + UsageOnly);

        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
    }

    [Fact]
    public void ResponsesApiStream_TakesTheUsageOfResponseCompleted()
    {
        const string stream = """
            event: response.created
            data: {"type":"response.created","response":{"id":"r","status":"in_progress","usage":null}}

            event: response.output_text.delta
            data: {"type":"response.output_text.delta","delta":"Hi"}

            event: response.completed
            data: {"type":"response.completed","response":{"id":"r","status":"completed","usage":{"input_tokens":11,"output_tokens":3,"total_tokens":14}}}


            """;

        var (meter, output) = Run(drop: false, stream.ReplaceLineEndings("\n"));

        Assert.Equal(new TokenUsage(11, 3, 14), meter.Usage);
        Assert.NotEqual(0, meter.FirstTokenAt);
        Assert.False(meter.SawDone);
    }

    [Fact]
    public void FirstTokenAt_IsWhenTheFirstEventWithOutputEnds_NotTheRoleEvent()
    {
        var meter = new SseMeter(_time, dropUsageOnlyEvents: false);
        meter.Process(Encoding.UTF8.GetBytes(Role), null);
        Assert.Equal(0, meter.FirstTokenAt);

        _time.Advance(TimeSpan.FromMilliseconds(250));
        var expected = _time.GetTimestamp();
        meter.Process(Encoding.UTF8.GetBytes(Token[..^1]), null); // the blank line has not arrived yet
        Assert.Equal(0, meter.FirstTokenAt);
        meter.Process("\n"u8, null);
        Assert.Equal(expected, meter.FirstTokenAt);

        _time.Advance(TimeSpan.FromSeconds(1));
        meter.Process(Encoding.UTF8.GetBytes(Token), null);
        Assert.Equal(expected, meter.FirstTokenAt);
    }

    [Fact]
    public void AnEventIsReleasedWhenItsBlankLineArrives_NotBefore()
    {
        var meter = new SseMeter(_time, dropUsageOnlyEvents: true);
        var output = new ArrayBufferWriter<byte>();

        meter.Process(Encoding.UTF8.GetBytes(Token[..^1]), output);
        Assert.Equal(0, output.WrittenCount);
        meter.Process("\n"u8, output);
        Assert.Equal(Token, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Complete_HandlesAnUnterminatedLastEvent()
    {
        // Cut before its blank line: a usage-only event is still recognized and dropped.
        var (meter, output) = Run(drop: true, Token + UsageOnly.TrimEnd('\n'));
        Assert.Equal(Token, output);
        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);

        // An unterminated half event is relayed as it came.
        const string half = "data: {\"choices\":[{\"delta\":";
        (meter, output) = Run(drop: true, Token + half);
        Assert.Equal(Token + half, output);
        Assert.Null(meter.Usage);

        // So is a complete line with no blank line after it.
        (meter, output) = Run(drop: true, Token + "data: [DONE]\n");
        Assert.Equal(Token + "data: [DONE]\n", output);
        Assert.True(meter.SawDone);
    }

    [Fact]
    public void AnOversizedEvent_SwitchesToPassThrough_EveryByteKept()
    {
        var huge = "data: {\"choices\":[{\"delta\":{\"content\":\"" + new string('x', 1024 * 1024) + "\"}}]}\n\n";
        var stream = Token + huge + UsageOnly + Done;

        var (meter, output) = Run(drop: true, stream, Token.Length + 1000, Token.Length + 600_000);

        Assert.Equal(stream, output);
        Assert.Equal(0, meter.Dropped);
        Assert.Null(meter.Usage); // the rest of the stream was not examined
    }

    [Fact]
    public void DoneWithoutASpace_AndEventsAfterDone_AreStillFollowed()
    {
        var (meter, output) = Run(drop: true, "data:[DONE]\n\n" + UsageOnly);

        Assert.True(meter.SawDone);
        Assert.Equal("data:[DONE]\n\n", output);
        Assert.Equal(new TokenUsage(7, 2, 9), meter.Usage);
    }
}
