using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>With <c>Gateway:RequestStreamUsage=false</c> the gateway never asks for usage: a stream is forwarded unchanged and its audit says usage is missing.</summary>
public sealed class NoStreamUsageTests(NoStreamUsageGateway gateway) : IClassFixture<NoStreamUsageGateway>
{
    [Fact]
    public async Task StreamThatDidNotAskForUsage_IsForwardedUnchanged_AndUsageIsMissing()
    {
        const string body = """{"model":"m","stream":true,"messages":[]}""";
        gateway.Upstream.Enqueue(Behavior.Sse(chunks: 2, TimeSpan.Zero));

        var exchange = await gateway.SendAsync("/v1/chat/completions", body);

        Assert.Equal(200, exchange.Status);
        Assert.Equal(body, exchange.Sent!.BodyText);
        Assert.Equal(2, exchange.Events.Count);
        Assert.Equal("missing", exchange.Usage);
    }
}
