using LLMKube.Gateway.Mock;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>Per-request <c>x-mock-*</c> headers over the backend's options, and the seeded failure draws.</summary>
public sealed class MockBehaviorTests
{
    private static HttpRequestMessage Request(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://mock.llmkube.invalid/v1/chat/completions");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Fact]
    public void TryResolve_NoHeaders_KeepsTheOptions()
    {
        var options = MockOptions.Default with { Latency = TimeSpan.FromMilliseconds(30), Chunks = 4 };
        using var request = Request();

        Assert.Null(MockBehavior.TryResolve(options, request.Headers, out var behavior));
        Assert.Equal(new MockBehavior(options, TimeSpan.FromMilliseconds(30), TimeSpan.Zero, 4, null), behavior);
    }

    [Fact]
    public void TryResolve_Headers_WinOverTheOptions()
    {
        var options = MockOptions.Default with { Latency = TimeSpan.FromMilliseconds(30), Chunks = 4 };
        using var request = Request(("x-mock-status", "503"), ("x-mock-latency-ms", "5"), ("x-mock-chunk-delay-ms", "7"), ("x-mock-chunks", "9"));

        Assert.Null(MockBehavior.TryResolve(options, request.Headers, out var behavior));
        Assert.Equal(new MockBehavior(options, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(7), 9, 503), behavior);
    }

    [Theory]
    [InlineData("x-mock-status", "200", "header x-mock-status must be an integer from 400 to 599; got \"200\"")]
    [InlineData("x-mock-latency-ms", "soon", "header x-mock-latency-ms must be an integer from 0 to 600000; got \"soon\"")]
    [InlineData("x-mock-chunks", "0", "header x-mock-chunks must be an integer from 1 to 10000; got \"0\"")]
    public void TryResolve_BadHeader_IsReported(string name, string value, string expected)
    {
        using var request = Request((name, value));
        Assert.Equal(expected, MockBehavior.TryResolve(MockOptions.Default, request.Headers, out _));
    }

    [Fact]
    public void FailureDraws_SameSeed_SameSequence_OtherSeed_OtherSequence()
    {
        var half = MockOptions.Default with { FailureRate = 0.5, Seed = 42 };
        static bool[] Draw(MockOptions options, string model = "m")
        {
            var draws = new MockFailureDraws();
            return [.. Enumerable.Range(0, 64).Select(_ => draws.NextFails("failureRate=0.5", model, options))];
        }

        var first = Draw(half);

        Assert.Equal(first, Draw(half));
        Assert.NotEqual(first, Draw(half with { Seed = 43 }));
        Assert.InRange(first.Count(f => f), 16, 48); // a coin, not a constant
    }

    [Fact]
    public void FailureDraws_EachBackend_HasItsOwnSequence()
    {
        var options = MockOptions.Default with { FailureRate = 0.5, Seed = 1 };
        var draws = new MockFailureDraws();
        var alone = new MockFailureDraws();

        // Interleaving another backend's draws does not change this backend's sequence.
        var interleaved = Enumerable.Range(0, 32).Select(_ =>
        {
            draws.NextFails("q", "other-model", options);
            return draws.NextFails("q", "m", options);
        }).ToArray();

        Assert.Equal(Enumerable.Range(0, 32).Select(_ => alone.NextFails("q", "m", options)).ToArray(), interleaved);
    }

    [Fact]
    public void FailureDraws_RateZeroNeverFails_RateOneAlwaysFails()
    {
        var draws = new MockFailureDraws();

        Assert.All(Enumerable.Range(0, 20), _ => Assert.False(draws.NextFails("", "m", MockOptions.Default)));
        Assert.All(Enumerable.Range(0, 20), _ => Assert.True(draws.NextFails("status=503", "m", MockOptions.Default with { Status = 503 })));
    }
}
