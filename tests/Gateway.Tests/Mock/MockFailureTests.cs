using System.Net;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>
/// The mock's failure and latency options drive the gateway's real fallback, timeout, stream-guard
/// and circuit-breaker paths, as a failing or slow server would.
/// </summary>
public sealed class MockFailureTests
{
    private static Task<GatewayHost> StartAsync(string backends, string rules = "", string proxy = "")
        => GatewayHost.StartAsync(MockHttp.Router(MockHttp.Backend("echo") + backends, rules, proxy));

    private static async Task<JsonElement> AuditAsync(GatewayHost host, int line)
        => (await host.Audit.WaitForAsync(line + 1))[line];

    private static string[] Attempts(JsonElement audit)
        => [.. audit.GetProperty("attempts").EnumerateArray().Select(a => $"{a.GetProperty("backend").GetString()}:{a.GetProperty("outcome").GetString()}:{a.GetProperty("status").GetInt32()}")];

    [Fact]
    public async Task FailingMock_FallsBackToTheNextBackend_AndIsEventuallyQuarantined()
    {
        await using var host = await StartAsync(MockHttp.Backend("flaky", "http://mock.llmkube.invalid?status=503"),
            RouterYaml.Rule("all", "flaky, echo"));

        using (var first = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat())))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Contains("Mock answer", await first.Content.ReadAsStringAsync());
        }
        var audit = await AuditAsync(host, 0);
        Assert.Equal(["flaky:upstream_error:503", "echo:ok:200"], Attempts(audit));
        Assert.Equal("echo", audit.GetProperty("backend").GetString());

        // However many failures the breaker waits for, a backend that always fails is skipped soon.
        var skipped = false;
        for (var i = 1; i <= 10 && !skipped; i++)
        {
            using var next = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat()));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            skipped = Attempts(await AuditAsync(host, i))[0] == "flaky:skipped_unhealthy:0";
        }
        Assert.True(skipped, "flaky was never quarantined:\n" + string.Join("\n", host.Audit.Lines));
    }

    [Fact]
    public async Task StatusHeader_FailsEveryMockAttemptOfThatRequestOnly()
    {
        await using var host = await StartAsync(MockHttp.Backend("other"), RouterYaml.Rule("all", "other, echo"));

        // A client error status is relayed as it is, like any upstream 4xx; the next request is served as usual.
        using (var refused = await host.Client.SendAsync(MockHttp.Post("/v1/embeddings", """{"model":"m","input":"x"}""", ("x-mock-status", "422"))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal("mock_failure", (await Chat.ErrorAsync(refused)).Code);
        }

        using (var plain = await host.Client.SendAsync(MockHttp.Post("/v1/embeddings", """{"model":"m","input":"x"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var failed = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat(), ("x-mock-status", "500"))))
        {
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
            Assert.Equal("all_backends_failed", (await Chat.ErrorAsync(failed)).Code);
        }
        Assert.Equal(["other:upstream_error:500", "echo:upstream_error:500"], Attempts(await AuditAsync(host, 2)));
    }

    [Fact]
    public async Task Latency_BeyondTheRuleTimeout_TimesOutAndFallsBack()
    {
        await using var host = await StartAsync(MockHttp.Backend("slow", "http://mock.llmkube.invalid?latencyMs=30000"),
            RouterYaml.Rule("all", "slow, echo", extra: "timeout: 200ms"));

        using var response = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["slow:timeout:0", "echo:ok:200"], Attempts(await AuditAsync(host, 0)));
    }

    [Fact]
    public async Task LatencyHeader_OnTheLastBackend_Is504()
    {
        await using var host = await StartAsync("", RouterYaml.Rule("all", "echo", extra: "timeout: 200ms"));

        using var response = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat(), ("x-mock-latency-ms", "30000")));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(["echo:timeout:0"], Attempts(await AuditAsync(host, 0)));
    }

    [Fact]
    public async Task ChunkDelay_BeyondStreamIdleTimeout_CutsTheStreamWithAnSseError()
    {
        await using var host = await StartAsync(MockHttp.Backend("drip", "http://mock.llmkube.invalid?chunkDelayMs=30000"),
            RouterYaml.Rule("all", "drip"), proxy: "{ streamIdleTimeout: 200ms }");

        using var response = await host.Client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat(stream: true)));
        var events = MockHttp.Events(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The first event comes with the headers; the wait is between events, where the guard cuts.
        Assert.Equal("chat.completion.chunk", JsonDocument.Parse(events[0].Data).RootElement.GetProperty("object").GetString());
        Assert.Equal("error", events[^1].Event);
        Assert.Equal("stream_idle_timeout", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("stream_idle_timeout", (await AuditAsync(host, 0)).GetProperty("outcome").GetString());
    }
}
