using LLMKube.Gateway.Mock;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>The mock's deterministic text, token estimate and embeddings.</summary>
public sealed class MockTextTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("Say hello", 3)]
    public void TokenEstimate_IsOnePerFourCharactersRoundedUp(string text, int tokens) => Assert.Equal(tokens, TokenEstimate.Of(text));

    [Fact]
    public void Pieces_Default_OnePerWord_JoiningToTheEcho()
    {
        var pieces = MockReplyText.Pieces("Say hello", null);

        Assert.Equal(["Mock", " answer", " to", " \"Say", " hello\"."], pieces);
        Assert.Equal("Mock answer to \"Say hello\".", MockReplyText.Join(pieces));
    }

    [Fact]
    public void Pieces_MoreChunksThanWords_GoesOnCounting()
        => Assert.Equal("Mock answer to \"hi\". 1 2 3 4", MockReplyText.Join(MockReplyText.Pieces("hi", 8)));

    [Fact]
    public void Pieces_FewerChunksThanWords_GroupsWordsWithoutLosingAny()
    {
        var pieces = MockReplyText.Pieces("one two three four five six", 3);

        Assert.Equal(3, pieces.Length);
        Assert.Equal("Mock answer to \"one two three four five six\".", MockReplyText.Join(pieces));
    }

    [Theory]
    [InlineData("  Say \n\t hello  ", "Say hello")]
    [InlineData("", "(empty)")]
    [InlineData("   ", "(empty)")]
    public void Summary_CollapsesWhiteSpace(string text, string summary) => Assert.Equal(summary, MockReplyText.Summary(text));

    [Fact]
    public void Summary_LongText_IsCutWithAnEllipsis()
    {
        var summary = MockReplyText.Summary(new string('x', 500));

        Assert.Equal(MockReplyText.MaxEcho, summary.Length);
        Assert.EndsWith("...", summary);
    }

    [Fact]
    public void Summary_NeverSplitsASurrogatePair()
    {
        var text = new string('x', MockReplyText.MaxEcho - 4) + "😀😀😀";

        var summary = MockReplyText.Summary(text);

        Assert.False(char.IsHighSurrogate(summary[^4]), summary);
        Assert.EndsWith("...", summary);
    }

    [Fact]
    public void Embeddings_SameText_SameUnitVector_OtherText_OtherVector()
    {
        var a = MockEmbeddings.Vector("hello", 16);
        var again = MockEmbeddings.Vector("hello", 16);
        var b = MockEmbeddings.Vector("hello!", 16);

        Assert.Equal(a, again);
        Assert.NotEqual(a, b);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(x => (double)x * x)), 5);
        Assert.All(a, x => Assert.InRange(x, -1f, 1f));
        Assert.Equal(1536, MockEmbeddings.Vector("hello", 1536).Length);
    }
}
