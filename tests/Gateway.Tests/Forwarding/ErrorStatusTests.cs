using System.Net;
using System.Text;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>Every error status the gateway generates, in the OpenAI error shape, with its audit outcome.</summary>
public sealed class ErrorStatusTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _host = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        var refused = FakeUpstream.ReserveClosedPort();
        _host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("ok", _upstream.Port) + RouterYaml.Local("dead", refused) + RouterYaml.Local("dead-too", FakeUpstream.ReserveClosedPort()),
            RouterYaml.Rule("to-dead", "dead, dead-too", "{ headers: { x-case: dead } }")
            + RouterYaml.Rule("stalls", "ok", "{ headers: { x-case: stall } }", "timeout: 300ms")
            + RouterYaml.Rule("sealed", "dead", "{ headers: { x-case: sealed } }", "failClosed: true")
            + RouterYaml.Rule("ok-models", "ok", "{ models: [\"ok-*\"] }")),
            settings: new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "4096", ["Gateway:MaxJsonDepth"] = "32" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string body, string path = "/v1/chat/completions")
        => _host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var (actualCode, actualMessage) = await Chat.ErrorAsync(response);
        Assert.Equal(code, actualCode);
        if (message is not null) Assert.Contains(message, actualMessage);
    }

    [Theory]
    [InlineData("{\"model\": \"ok-1\", ", "invalid_json")]
    [InlineData("not json", "invalid_json")]
    [InlineData("[1,2]", "invalid_json")]
    [InlineData("{\"model\": 5}", "invalid_json")]
    [InlineData("{\"messages\": []}", "missing_model")]
    [InlineData("{\"model\": \"\"}", "missing_model")]
    [InlineData("", "invalid_json")]
    public async Task MalformedBody_Returns400(string body, string code)
    {
        using var response = await PostAsync(body);
        await AssertError(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(0, _upstream.RequestCount);
    }

    [Fact]
    public async Task DeeplyNestedJson_Returns400()
    {
        var body = "{\"model\":\"ok-1\",\"x\":" + new string('[', 100) + new string(']', 100) + "}";
        using var response = await PostAsync(body);
        await AssertError(response, HttpStatusCode.BadRequest, "invalid_json");
    }

    [Fact]
    public async Task BodyOverTheCap_Returns413_WithAndWithoutContentLength()
    {
        var body = "{\"model\":\"ok-1\",\"pad\":\"" + new string('x', 5000) + "\"}";
        using var declared = await PostAsync(body);
        await AssertError(declared, HttpStatusCode.RequestEntityTooLarge, "request_too_large", "4096");

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var response = await _host.Client.SendAsync(chunked);
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        var audit = await _host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "body_too_large");
        Assert.Equal(413, audit.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task BodyExactlyAtTheCap_IsAccepted()
    {
        var prefix = "{\"model\":\"ok-1\",\"pad\":\"";
        var body = prefix + new string('x', 4096 - prefix.Length - 2) + "\"}";
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(body));
        using var response = await PostAsync(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Returns404_WrongMethod_Returns405()
    {
        using var missing = await _host.Client.GetAsync("/v1/messages");
        await AssertError(missing, HttpStatusCode.NotFound, "not_found");
        using var wrong = await _host.Client.GetAsync("/v1/chat/completions");
        await AssertError(wrong, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains("POST", wrong.Content.Headers.Allow);
    }

    [Fact]
    public async Task NoRuleAndNoDefault_Returns503NoRoute()
    {
        using var response = await PostAsync("{\"model\":\"unmatched\"}");
        await AssertError(response, HttpStatusCode.ServiceUnavailable, "no_route", "no rule matched");
        var audit = await _host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "no_route");
        Assert.Equal(503, audit.GetProperty("status").GetInt32());
        Assert.Equal("unmatched", audit.GetProperty("model").GetString());
    }

    [Fact]
    public async Task AllAttemptsFail_Returns502()
    {
        using var response = await _host.SendAsync("ok-1", ("x-case", "dead"));
        await AssertError(response, HttpStatusCode.BadGateway, "all_backends_failed", "all backends failed");
        var audit = await _host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "all_backends_failed");
        Assert.Equal("to-dead", audit.GetProperty("rule").GetString());
        Assert.Equal(2, audit.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task LastAttemptTimedOut_Returns504()
    {
        _upstream.Behavior = Behavior.StallBeforeHeaders();
        try
        {
            using var response = await _host.SendAsync("ok-1", ("x-case", "stall"));
            await AssertError(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
            var audit = await _host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "timeout");
            Assert.Equal(504, audit.GetProperty("status").GetInt32());
            Assert.Equal(300, audit.GetProperty("timeoutMs").GetInt32());
        }
        finally
        {
            _upstream.Behavior = Behavior.Json();
        }
    }

    [Fact]
    public async Task FailClosedRuleWhoseBackendsFail_Returns503FailClosedRuntime()
    {
        using var response = await _host.SendAsync("ok-1", ("x-case", "sealed"));
        await AssertError(response, HttpStatusCode.ServiceUnavailable, "fail_closed", "fail-closed: all rule backends unhealthy");
        await _host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() == "fail_closed_runtime");
    }
}
