using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Tests.Validation;

public class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("+0", 0L)]
    [InlineData("-0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("300ms", 300 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("1m30s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("2h45m", 165 * TimeSpan.TicksPerMinute)]
    [InlineData("-1.5h", -90 * TimeSpan.TicksPerMinute)]
    [InlineData("+5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData(".5s", 5 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("1.s", TimeSpan.TicksPerSecond)]
    [InlineData("100ns", 1L)]
    [InlineData("99ns", 0L)]
    [InlineData("2us", 20L)]
    [InlineData("2\u00b5s", 20L)]
    [InlineData("2\u03bcs", 20L)]
    [InlineData("1h1m1s1ms", TimeSpan.TicksPerHour + TimeSpan.TicksPerMinute + TimeSpan.TicksPerSecond + TimeSpan.TicksPerMillisecond)]
    [InlineData("2562047h", 2562047 * TimeSpan.TicksPerHour)]
    public void TryParse_ValidGoDuration_ReturnsValue(string text, long expectedTicks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(expectedTicks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("1")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("-")]
    [InlineData("1d")]
    [InlineData("1 s")]
    [InlineData(" 1s")]
    [InlineData("1S")]
    [InlineData("1s ")]
    [InlineData("1.2.3s")]
    [InlineData("abc")]
    [InlineData("3000000h")]
    [InlineData("9223372036854775808ns")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(GoDuration.TryParse(null, out _));

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(30 * TimeSpan.TicksPerMinute, "30m0s")]
    [InlineData(90 * TimeSpan.TicksPerSecond, "1m30s")]
    [InlineData(500 * TimeSpan.TicksPerMillisecond, "500ms")]
    [InlineData(100 * TimeSpan.TicksPerMillisecond, "100ms")]
    [InlineData(1500 * TimeSpan.TicksPerMillisecond, "1.5s")]
    [InlineData(2 * TimeSpan.TicksPerHour, "2h0m0s")]
    [InlineData(165 * TimeSpan.TicksPerMinute, "2h45m0s")]
    [InlineData(TimeSpan.TicksPerHour + 1, "1h0m0.0000001s")]
    [InlineData(15L, "1.5\u00b5s")]
    [InlineData(1L, "100ns")]
    [InlineData(15 * TimeSpan.TicksPerMillisecond / 10, "1.5ms")]
    [InlineData(-90 * TimeSpan.TicksPerSecond, "-1m30s")]
    [InlineData(45 * TimeSpan.TicksPerMinute, "45m0s")]
    public void Format_MatchesGoDurationString(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Theory]
    [InlineData("1m30s")]
    [InlineData("2h45m0s")]
    [InlineData("500ms")]
    [InlineData("1.25s")]
    [InlineData("-3h0m0s")]
    public void Format_OfParsed_RoundTrips(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(text, GoDuration.Format(value));
    }

    [Fact]
    public void Format_MinValue_DoesNotOverflow()
    {
        Assert.StartsWith("-", GoDuration.Format(TimeSpan.MinValue));
    }
}
