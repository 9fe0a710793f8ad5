using LLMKube.Gateway.Hosting;
using System.Net;
using System.Text;
using LLMKube.Gateway.Tests.Fixtures;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Tests.Drills;

public sealed class HeaderFloodGateway : DrillGateway;

/// <summary>
/// Header floods are rejected by Kestrel (431, or 414 for the request line) before the dispatcher runs, so
/// they leave no audit line, and concurrent normal traffic is not affected. Limits: GatewayServerOptions
/// MaxRequestHeaderCount (100), MaxRequestHeadersTotalSize (32 KiB), MaxRequestLineSize (8 KiB).
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class HeaderFloodTests(HeaderFloodGateway gateway) : IClassFixture<HeaderFloodGateway>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);
    private const string Body = """{"model":"ok-1","messages":[{"role":"user","content":"hi"}]}""";

    private static string Request(string extraHeaders, string target = "/v1/chat/completions") =>
        $"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n{extraHeaders}\r\n{Body}";

    /// <summary>Sends <paramref name="request"/> while reading the answer (the server may answer and close before it has all of it).</summary>
    private async Task<RawResponse> SendRawAsync(string request)
    {
        using var connection = await RawConnection.OpenAsync(gateway.Host.BaseAddress);
        var send = connection.SendAsync(request);
        var response = await connection.ReadResponseAsync(ReadTimeout);
        await send; // false when the server closed before taking everything: expected for a flood
        return response;
    }

    private static void AssertKestrelRejected(RawResponse response, int status)
    {
        Assert.True(response.Status == status, $"expected {status}, got: {response}");
        Assert.Equal("close", response.Header("Connection"));
    }

    private void AssertNoAuditLine()
    {
        // Kestrel answered before the dispatcher: the only audit lines are the normal traffic's.
        var abnormal = gateway.AbnormalAudit();
        Assert.True(abnormal.Count == 0, string.Join("\n", abnormal));
    }

    [Fact]
    public async Task TenThousandHeaders_Get431_WhileNormalTrafficFlows()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        var headers = new StringBuilder();
        for (var i = 0; i < 10_000; i++) headers.Append("X-Flood-").Append(i).Append(": v\r\n");
        var response = await SendRawAsync(Request(headers.ToString()));

        AssertKestrelRejected(response, 431);
        await traffic.FlowsAsync(5);
        await traffic.StopAndAssertAsync();
        AssertNoAuditLine();
        await gateway.AssertStillServesAsync();
    }

    [Fact]
    public async Task OneMegabyteHeader_Gets431_WhileNormalTrafficFlows()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        var response = await SendRawAsync(Request("X-Huge: " + new string('a', 1024 * 1024) + "\r\n"));

        AssertKestrelRejected(response, 431);
        await traffic.FlowsAsync(5);
        await traffic.StopAndAssertAsync();
        AssertNoAuditLine();
        await gateway.AssertStillServesAsync();
    }

    [Fact]
    public async Task ManyConnectionsWithHugeHeaders_AllGet431_WhileNormalTrafficFlows()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        // 100 connections at once: half send one 256 KiB header, half send 2,000 small ones (~40 KiB).
        var oneBig = Request("X-Huge: " + new string('b', 256 * 1024) + "\r\n");
        var many = new StringBuilder();
        for (var i = 0; i < 2_000; i++) many.Append("X-Many-").Append(i).Append(": 0123456789\r\n");
        var manySmall = Request(many.ToString());
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => SendRawAsync(i % 2 == 0 ? oneBig : manySmall)));

        await traffic.FlowsAsync(10);
        await traffic.StopAndAssertAsync();
        Assert.All(responses, r => AssertKestrelRejected(r, 431));
        AssertNoAuditLine();
        await gateway.AssertStillServesAsync();
    }

    [Fact]
    public async Task OverlongRequestLine_Gets414()
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);

        var response = await SendRawAsync(Request("", "/v1/chat/completions?pad=" + new string('q', 64 * 1024)));

        AssertKestrelRejected(response, 414);
        await traffic.FlowsAsync(5);
        await traffic.StopAndAssertAsync();
        AssertNoAuditLine();
    }

    [Fact]
    public void KestrelLimits_AreTheDocumentedDefaults()
    {
        var limits = gateway.Host.Service<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(32 * 1024, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(240, limits.MinRequestBodyDataRate?.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinRequestBodyDataRate?.GracePeriod);
        Assert.Null(limits.MaxRequestBodySize); // the dispatcher enforces the body cap itself (413 in the OpenAI shape)
    }

    [Fact]
    public async Task HeadersWithinTheLimits_AreServed()
    {
        // 90 headers and ~24 KiB in all: generous for real clients, under 100 headers and 32 KiB.
        using var request = Chat.Request("ok-1");
        for (var i = 0; i < 90; i++) request.Headers.TryAddWithoutValidation($"x-within-{i}", new string('w', 250));
        using var response = await gateway.Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
