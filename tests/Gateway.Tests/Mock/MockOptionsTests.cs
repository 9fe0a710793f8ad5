using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>The mock's URL options: what parses, what is refused and with which message.</summary>
public sealed class MockOptionsTests
{
    [Fact]
    public void TryParse_Empty_GivesTheDefaults()
    {
        Assert.True(MockOptions.TryParse("", out var options, out var error));
        Assert.Null(error);
        Assert.Same(MockOptions.Default, options);
        Assert.Equal(0, options.EffectiveFailureRate);
        Assert.Equal(500, options.FailureStatus);
    }

    [Fact]
    public void TryParse_EveryOption_IsRead()
    {
        Assert.True(MockOptions.TryParse("latencyMs=250&chunkDelayMs=40&status=503&failureRate=0.25&seed=7&chunks=12", out var options, out _));

        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Latency);
        Assert.Equal(TimeSpan.FromMilliseconds(40), options.ChunkDelay);
        Assert.Equal(503, options.Status);
        Assert.Equal(0.25, options.FailureRate);
        Assert.Equal(7, options.Seed);
        Assert.Equal(12, options.Chunks);
    }

    [Theory]
    [InlineData("status=429", 1.0, 429)]
    [InlineData("failureRate=0.5", 0.5, 500)]
    [InlineData("failureRate=0", 0.0, 500)]
    [InlineData("status=502&failureRate=0.1", 0.1, 502)]
    public void StatusAndFailureRate_CombineAsDocumented(string query, double rate, int status)
    {
        Assert.True(MockOptions.TryParse(query, out var options, out _));
        Assert.Equal(rate, options.EffectiveFailureRate);
        Assert.Equal(status, options.FailureStatus);
    }

    [Theory]
    [InlineData("latencyMs=-1", "mock option \"latencyMs\" must be an integer from 0 to 600000; got \"-1\"")]
    [InlineData("latencyMs=600001", "mock option \"latencyMs\" must be an integer from 0 to 600000; got \"600001\"")]
    [InlineData("chunkDelayMs=fast", "mock option \"chunkDelayMs\" must be an integer from 0 to 60000; got \"fast\"")]
    [InlineData("status=200", "mock option \"status\" must be an integer from 400 to 599; got \"200\"")]
    [InlineData("status", "mock option \"status\" must be an integer from 400 to 599; got \"\"")]
    [InlineData("failureRate=1.5", "mock option \"failureRate\" must be a number from 0 to 1; got \"1.5\"")]
    [InlineData("failureRate=0,5", "mock option \"failureRate\" must be a number from 0 to 1; got \"0,5\"")]
    [InlineData("chunks=0", "mock option \"chunks\" must be an integer from 1 to 10000; got \"0\"")]
    [InlineData("seed=99999999999", "mock option \"seed\" must be an integer from 0 to 2147483647; got \"99999999999\"")]
    [InlineData("latency=5", "unknown mock option \"latency\"; known options: latencyMs, chunkDelayMs, status, failureRate, seed, chunks")]
    [InlineData("Status=500", "unknown mock option \"Status\"; known options: latencyMs, chunkDelayMs, status, failureRate, seed, chunks")]
    [InlineData("status=500&status=503", "mock option \"status\" is given twice")]
    public void TryParse_BadValue_IsRefusedWithAMessage(string query, string expected)
    {
        Assert.False(MockOptions.TryParse(query, out var options, out var error));
        Assert.Equal(expected, error);
        Assert.Same(MockOptions.Default, options);
    }

    [Theory]
    [InlineData("http://mock.llmkube.invalid")]
    [InlineData("http://mock.llmkube.invalid/")]
    [InlineData("http://MOCK.llmkube.invalid?status=503")]
    [InlineData("http://mock.llmkube.invalid/?latencyMs=10&chunks=3")]
    public void ValidateUrl_MockAddresses_AreAccepted(string url) => Assert.Null(MockOptions.ValidateUrl(url));

    [Theory]
    [InlineData("https://mock.llmkube.invalid")]
    [InlineData("http://mock.llmkube.invalid:8080")]
    [InlineData("http://127.0.0.1:8081")]
    [InlineData("http://mock.llmkube.invalid/v1")]
    [InlineData("http://user@mock.llmkube.invalid")]
    [InlineData("http://mock.llmkube.invalid#x")]
    [InlineData("mock.llmkube.invalid")]
    public void ValidateUrl_OtherAddresses_AreRefused(string url)
    {
        var error = MockOptions.ValidateUrl(url);
        Assert.Equal($"must be http://mock.llmkube.invalid, optionally with options as a query (e.g. http://mock.llmkube.invalid?latencyMs=200&status=503); got \"{url}\"", error);
    }

    [Fact]
    public void ValidateUrl_BadOption_ReportsTheOption()
        => Assert.Equal("mock option \"chunks\" must be an integer from 1 to 10000; got \"many\"", MockOptions.ValidateUrl("http://mock.llmkube.invalid?chunks=many"));
}
