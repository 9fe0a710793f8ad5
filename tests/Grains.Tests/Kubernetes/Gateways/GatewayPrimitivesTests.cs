using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

public sealed class GatewayPrimitivesTests
{
    [Theory]
    [InlineData(100, "100ms")]
    [InlineData(1_500, "1s500ms")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(1_799_500, "29m59s500ms")]
    [InlineData(7_200_000, "2h")]
    [InlineData(0.2, "1ms")]
    public void EnvoyDurations_FitEnvoysPattern(double milliseconds, string expected)
    {
        var text = EnvoyDuration.Format(TimeSpan.FromMilliseconds(milliseconds));
        Assert.Equal(expected, text);
        Assert.Matches("^([0-9]{1,5}(h|m|s|ms)){1,4}$", text);
    }

    [Theory]
    [InlineData(1000, 3600, "Hour", 1000)]
    [InlineData(1000, 86_400, "Day", 1000)]
    [InlineData(1000, 172_800, "Day", 500)]
    [InlineData(1000, 7200, "Hour", 500)]
    [InlineData(1000, 90, "Minute", 666)]
    [InlineData(1000, 59, "Second", 16)]
    [InlineData(10, 86_399, "Hour", 1)]
    [InlineData(5, 3600, "Hour", 5)]
    public void ABudget_IsTheLargestUnitInsideItsWindow_AndTheTokensOfOneUnit(long maxTokens, int window, string unit, long requests)
        => Assert.Equal(new GatewayBudgetLimit(unit, requests), GatewayBudgetLimit.Of(maxTokens, window));

    [Theory]
    [InlineData("pii", "pii")]
    [InlineData("a.b*c", @"a\.b\*c")]
    [InlineData("tier_1 (eu)", @"tier_1 \(eu\)")]
    public void Re2Quote_EscapesPunctuationOnly(string literal, string quoted) => Assert.Equal(quoted, Re2.Quote(literal));

    [Theory]
    [InlineData("https://api.openai.com", "api.openai.com", 443, false, true, null)]
    [InlineData("http://10.1.2.3:8080/", "10.1.2.3", 8080, true, false, null)]
    [InlineData("http://[fd00::1]:9000/openai", "fd00::1", 9000, true, false, "/openai/v1")]
    [InlineData("http://litellm.ai.svc:4000", "litellm.ai.svc", 4000, false, false, null)]
    public void Upstreams_AreParsedFromTheResolvedAddress(string address, string host, int port, bool ip, bool tls, string? prefix)
        => Assert.Equal(new GatewayUpstream(host, port, ip, tls, prefix), GatewayUpstream.Parse(address));
}
