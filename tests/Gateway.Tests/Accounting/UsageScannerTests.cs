using System.Text;
using LLMKube.Gateway.Accounting;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>
/// The usage scanner reads OpenAI-shaped JSON fed in arbitrary pieces: whatever the boundaries, it finds the
/// same top-level <c>usage</c> (or the Responses API's, under <c>response</c>), ignores usage elsewhere, and
/// gives up cleanly on input that is not JSON.
/// </summary>
public sealed class UsageScannerTests
{
    private const string ChatCompletion = """
        {"id":"chatcmpl-1","object":"chat.completion","model":"m",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\" é ✓ 😀","usage":{"prompt_tokens":999}},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46,
                  "prompt_tokens_details":{"cached_tokens":5,"audio_tokens":0,"total_tokens":777},
                  "completion_tokens_details":{"reasoning_tokens":2,"accepted_prediction_tokens":0}},
         "system_fingerprint":"fp_1"}
        """;

    private const string ResponsesCompleted = """
        {"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","object":"response","status":"completed",
         "output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],
         "usage":{"input_tokens":21,"input_tokens_details":{"cached_tokens":0},"output_tokens":8,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":29}}}
        """;

    private static UsageScanner Scan(string json, params int[] cuts)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var scanner = new UsageScanner();
        var position = 0;
        foreach (var cut in cuts.Order())
        {
            scanner.Feed(bytes.AsSpan(position, cut - position));
            position = cut;
        }
        scanner.Feed(bytes.AsSpan(position), final: true);
        return scanner;
    }

    private static UsageScanner ScanByteByByte(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var scanner = new UsageScanner();
        foreach (var b in bytes) scanner.Feed([b]);
        scanner.Feed([], final: true);
        return scanner;
    }

    [Fact]
    public void ChatCompletion_InOnePiece_ReadsTheTopLevelCounts_NotTheNestedDetailsOrAUsageInsideAChoice()
    {
        var scanner = Scan(ChatCompletion);

        Assert.False(scanner.Failed);
        Assert.Equal(new TokenUsage(12, 34, 46), scanner.Usage);
        Assert.True(scanner.HasOutput);
        Assert.False(scanner.ChoicesEmpty);
    }

    [Theory]
    [InlineData(ChatCompletion)]
    [InlineData(ResponsesCompleted)]
    public void ByteByByte_FindsWhatOnePieceFinds(string json)
    {
        var whole = Scan(json);
        var bytes = ScanByteByByte(json);

        Assert.NotNull(whole.Usage);
        Assert.Equal(whole.Usage, bytes.Usage);
        Assert.Equal(whole.HasOutput, bytes.HasOutput);
        Assert.False(bytes.Failed);
    }

    [Fact]
    public void EveryTwoPieceSplit_FindsTheSameUsage()
    {
        var length = Encoding.UTF8.GetByteCount(ChatCompletion);
        for (var cut = 0; cut <= length; cut++)
        {
            var scanner = Scan(ChatCompletion, cut);
            Assert.False(scanner.Failed, $"cut at {cut}");
            Assert.Equal(new TokenUsage(12, 34, 46), scanner.Usage);
        }
    }

    [Fact]
    public void RandomSplits_FindTheSameUsage()
    {
        var random = new Random(20261123);
        var length = Encoding.UTF8.GetByteCount(ResponsesCompleted);
        for (var run = 0; run < 500; run++)
        {
            var cuts = Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(0, length + 1)).Distinct().ToArray();
            var scanner = Scan(ResponsesCompleted, cuts);
            Assert.False(scanner.Failed, $"cuts {string.Join(",", cuts)}");
            Assert.Equal(new TokenUsage(21, 8, 29), scanner.Usage);
        }
    }

    [Fact]
    public void ResponsesApi_JsonBody_ReadsInputAndOutputTokensAtTheTop()
    {
        var scanner = Scan("""{"id":"resp_1","object":"response","output":[],"usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7}}""");

        Assert.Equal(new TokenUsage(3, 4, 7), scanner.Usage);
    }

    [Fact]
    public void ResponsesApi_CompletedEvent_ReadsTheUsageUnderResponse()
    {
        Assert.Equal(new TokenUsage(21, 8, 29), Scan(ResponsesCompleted).Usage);
    }

    [Fact]
    public void Embeddings_WithoutCompletionTokens_CountZeroCompletion()
    {
        var scanner = Scan("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2]}],"model":"e","usage":{"prompt_tokens":8,"total_tokens":8}}""");

        Assert.Equal(new TokenUsage(8, 0, 8), scanner.Usage);
        Assert.False(scanner.HasOutput);
    }

    [Fact]
    public void MissingTotal_IsPromptPlusCompletion()
    {
        Assert.Equal(new TokenUsage(2, 3, 5), Scan("""{"usage":{"prompt_tokens":2,"completion_tokens":3}}""").Usage);
    }

    [Theory]
    [InlineData("""{"choices":[],"usage":null}""")]
    [InlineData("""{"usage":{}}""")]
    [InlineData("""{"usage":{"prompt_tokens":-1,"completion_tokens":1.5,"total_tokens":"3"}}""")]
    [InlineData("""{"data":{"usage":{"prompt_tokens":1,"completion_tokens":2}}}""")]
    [InlineData("""{"items":[{"usage":{"prompt_tokens":1}}]}""")]
    [InlineData("""{"response":{"output":[{"usage":{"input_tokens":1}}]}}""")]
    [InlineData("""{"usage":[{"prompt_tokens":1}]}""")]
    [InlineData("""[{"usage":{"prompt_tokens":1}}]""")]
    public void UsageThatIsNullEmptyMalformedOrNotAtTheTop_IsNoUsage(string json)
    {
        var scanner = Scan(json);

        Assert.False(scanner.Failed);
        Assert.Null(scanner.Usage);
    }

    [Fact]
    public void UsageBeforeChoices_IsFoundToo()
    {
        var scanner = Scan("""{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"choices":[{"delta":{"content":"x"}}]}""");

        Assert.Equal(new TokenUsage(1, 2, 3), scanner.Usage);
        Assert.True(scanner.HasOutput);
    }

    [Theory]
    [InlineData("""{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""", true)]
    [InlineData("""{"id":"c","choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":1}}""", false)]
    [InlineData("""{"id":"c","choices":[1],"usage":null}""", false)]
    [InlineData("""{"id":"c","choices":null}""", false)]
    [InlineData("""{"id":"c","data":{"choices":[]}}""", false)]
    public void ChoicesEmpty_OnlyForAnEmptyTopLevelArray(string json, bool empty)
    {
        Assert.Equal(empty, Scan(json).ChoicesEmpty);
    }

    [Theory]
    [InlineData("""{"choices":[{"delta":{"content":"Hi"}}]}""", true)]
    [InlineData("""{"choices":[{"delta":{"role":"assistant","content":""}}]}""", false)]
    [InlineData("""{"choices":[{"delta":{"content":null,"refusal":null}}]}""", false)]
    [InlineData("""{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":""}}]}}]}""", true)]
    [InlineData("""{"choices":[{"delta":{"reasoning_content":"hmm"}}]}""", true)]
    [InlineData("""{"choices":[{"text":"Once","index":0}]}""", true)]
    [InlineData("""{"type":"response.output_text.delta","delta":"Hel"}""", true)]
    [InlineData("""{"type":"response.content_part.added","part":{"type":"output_text","text":"","annotations":[]}}""", false)]
    [InlineData("""{"type":"response.output_item.added","item":{"type":"message","content":[]}}""", false)]
    [InlineData("""{"type":"response.created","response":{"text":{"format":{"type":"text"}},"reasoning":{"effort":null}}}""", false)]
    public void HasOutput_ForGeneratedTextDeltasAndToolCalls_NotForEmptyOrStructuralFields(string json, bool output)
    {
        Assert.Equal(output, Scan(json).HasOutput);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"usage":{"prompt_tokens":1}""")] // truncated
    [InlineData("""{"a":1}}""")]
    [InlineData("""{"a":tru}""")]
    [InlineData("""{"a":1} {"b":2}""")]
    public void InvalidJson_FailsWithoutThrowing(string json)
    {
        Assert.True(Scan(json).Failed);
        Assert.True(ScanByteByByte(json).Failed);
    }

    [Fact]
    public void AfterFailing_FurtherInputIsIgnored_UntilReset()
    {
        var scanner = new UsageScanner();
        scanner.Feed("}{"u8);
        Assert.True(scanner.Failed);
        scanner.Feed("""{"usage":{"prompt_tokens":1}}"""u8, final: true);
        Assert.Null(scanner.Usage);

        scanner.Reset();
        scanner.Feed("""{"usage":{"prompt_tokens":1}}"""u8, final: true);
        Assert.False(scanner.Failed);
        Assert.Equal(new TokenUsage(1, 0, 1), scanner.Usage);
    }

    [Fact]
    public void NestingPastTheReadersDepth_Fails()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 300));
        Assert.True(Scan($$$"""{"a":{{{deep}}},"usage":{"prompt_tokens":1}}""").Failed);
    }

    [Fact]
    public void AStringOfTwoMegabytes_SplitAcrossSmallReads_StillLeadsToTheUsage()
    {
        var json = $$$"""{"choices":[{"message":{"content":"{{{new string('x', 2 * 1024 * 1024)}}}"}}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}""";
        var cuts = Enumerable.Range(1, json.Length / 4096).Select(i => i * 4096).ToArray();

        var scanner = Scan(json, cuts);

        Assert.False(scanner.Failed);
        Assert.Equal(new TokenUsage(1, 2, 3), scanner.Usage);
        Assert.True(scanner.HasOutput);
    }

    [Fact]
    public void AStringLongerThanTheCarryLimit_Fails_AndKeepsNoUsage()
    {
        var json = $$$"""{"content":"{{{new string('x', 5 * 1024 * 1024)}}}","usage":{"prompt_tokens":1}}""";
        var cuts = Enumerable.Range(1, json.Length / 65536).Select(i => i * 65536).ToArray();

        var scanner = Scan(json, cuts);

        Assert.True(scanner.Failed);
        Assert.Null(scanner.Usage);
    }
}
