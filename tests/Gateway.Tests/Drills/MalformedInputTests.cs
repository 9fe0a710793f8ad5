using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Drills;

public sealed class MalformedInputGateway : DrillGateway;

/// <summary>
/// Malformed and extreme bodies at the default 32 MiB cap: each gets its documented status and audit
/// outcome (400 <c>invalid_request</c>, 413 <c>body_too_large</c>), a 30 MiB body is forwarded intact,
/// and concurrent normal traffic is unaffected.
/// </summary>
[Collection(DrillCollection.Name)]
public sealed class MalformedInputTests(MalformedInputGateway gateway) : IClassFixture<MalformedInputGateway>
{
    private const int MiB = 1024 * 1024;

    private async Task<HttpResponseMessage> PostAsync(byte[] body, bool chunked = false, params (string, string)[] headers)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        if (chunked) request.Headers.TransferEncodingChunked = true;
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await gateway.Host.Client.SendAsync(request);
    }

    /// <summary>Runs <paramref name="drill"/> with normal traffic alongside, then checks the traffic and the gateway.</summary>
    private async Task UnderTrafficAsync(Func<Task> drill)
    {
        gateway.Host.Audit.Clear();
        await using var traffic = new NormalTraffic(gateway.Host);
        await traffic.FlowsAsync(5);
        await drill();
        await traffic.FlowsAsync(5);
        await traffic.StopAndAssertAsync();
        await gateway.AssertStillServesAsync();
    }

    private async Task AssertRejected(HttpResponseMessage response, HttpStatusCode status, string code, string outcome)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        DrillGateway.AssertOpenAIError(await response.Content.ReadAsStringAsync(), code);
        await AssertAuditAsync((int)status, outcome);
    }

    private async Task AssertAuditAsync(int status, string outcome)
    {
        var line = await gateway.Host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() != "ok", TimeSpan.FromSeconds(3));
        Assert.Equal(outcome, line.GetProperty("outcome").GetString());
        Assert.Equal(status, line.GetProperty("status").GetInt32());
        Assert.Single(gateway.AbnormalAudit());
    }

    public static TheoryData<string> TruncatedOrTrailingJson => new()
    {
        """{"model":"ok-1","messages":[{"role":"user","content":"hi""",
        """{"model":"ok-1","messages":[{"role":"us""",
        """{"model":"ok-""",
        """{"model":"ok-1",""",
        """{""",
        """{"model":"ok-1","messages":[]}}""",
        """{"model":"ok-1"} {"model":"ok-1"}""",
    };

    [Theory]
    [MemberData(nameof(TruncatedOrTrailingJson))]
    public Task TruncatedOrTrailingJson_Gets400(string body) => UnderTrafficAsync(async () =>
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));
        await AssertRejected(response, HttpStatusCode.BadRequest, "invalid_json", "invalid_request");
        Assert.Equal(0, gateway.Sink.Count);
    });

    public static TheoryData<string, string> InvalidUtf8 => new()
    {
        // (where, hex of the bytes spliced in)
        { "content", "FF FE" },                 // bytes never valid in UTF-8
        { "content", "C3" },                    // truncated 2-byte sequence
        { "content", "C0 AF" },                 // overlong encoding of '/'
        { "content", "ED A0 80" },              // UTF-16 surrogate encoded in UTF-8
        { "content", "F4 90 80 80" },           // above U+10FFFF
        { "model", "FF" },
        { "name", "80 81" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public Task InvalidUtf8_Gets400(string where, string hex) => UnderTrafficAsync(async () =>
    {
        var bad = Convert.FromHexString(hex.Replace(" ", ""));
        var (before, after) = where switch
        {
            "content" => ("""{"model":"ok-1","messages":[{"role":"user","content":"a""", """b"}]}"""),
            "model" => ("{\"model\":\"ok-", "\",\"messages\":[]}"),
            _ => ("{\"model\":\"ok-1\",\"x", "\":1}"),
        };
        var body = Encoding.UTF8.GetBytes(before).Concat(bad).Concat(Encoding.UTF8.GetBytes(after)).ToArray();
        using var response = await PostAsync(body);
        await AssertRejected(response, HttpStatusCode.BadRequest, "invalid_json", "invalid_request");
        Assert.Equal(0, gateway.Sink.Count);
    });

    [Fact]
    public Task HundredThousandDeepNesting_Gets400() => UnderTrafficAsync(async () =>
    {
        const int Depth = 100_000;
        var body = "{\"model\":\"ok-1\",\"x\":" + new string('[', Depth) + new string(']', Depth) + "}";
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));
        await AssertRejected(response, HttpStatusCode.BadRequest, "invalid_json", "invalid_request");

        var objects = "{\"model\":\"ok-1\",\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth) + "}";
        gateway.Host.Audit.Clear();
        using var nested = await PostAsync(Encoding.UTF8.GetBytes(objects));
        await AssertRejected(nested, HttpStatusCode.BadRequest, "invalid_json", "invalid_request");
    });

    /// <summary>A valid chat request of exactly <paramref name="size"/> bytes.</summary>
    private static byte[] LargeBody(int size, string model)
    {
        var prefix = Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":" """);
        var suffix = "\"}]}"u8.ToArray();
        var body = new byte[size];
        prefix.CopyTo(body, 0);
        // Varied printable ASCII, so a shifted or spliced copy cannot compare equal by accident.
        for (var i = prefix.Length; i < size - suffix.Length; i++) body[i] = (byte)('a' + i * 7 % 26);
        suffix.CopyTo(body, size - suffix.Length);
        return body;
    }

    [Fact]
    public Task ThirtyMiBBody_UnderTheCap_IsForwardedByteIdentical() => UnderTrafficAsync(async () =>
    {
        // The sink backend's upstream model is "sink-model": with that model the body is forwarded unmodified.
        var body = LargeBody(30 * MiB, "sink-model");
        using (var check = JsonDocument.Parse(body)) Assert.Equal("sink-model", check.RootElement.GetProperty("model").GetString());
        using var response = await PostAsync(body, false, ("x-case", "sink"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await gateway.Sink.NextBodyAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(body.Length, received.Length);
        Assert.True(body.AsSpan().SequenceEqual(received), "the forwarded body differs from the one sent");
        var line = await gateway.Host.Audit.WaitForRequestAsync(a => a.TryGetProperty("backend", out var b) && b.GetString() == "sink", TimeSpan.FromSeconds(3));
        Assert.Equal("ok", line.GetProperty("outcome").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ThirtyThreeMiBBody_OverTheCap_Gets413(bool chunked) => UnderTrafficAsync(async () =>
    {
        using var response = await PostAsync(LargeBody(33 * MiB, "sink-model"), chunked, ("x-case", "sink"));
        await AssertRejected(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large", "body_too_large");
        Assert.Equal(0, gateway.Sink.Count);
    });

    [Fact]
    public Task DuplicateModelKeys_LastOneWins() => UnderTrafficAsync(async () =>
    {
        // The gateway routes on the last "model", as JSON.parse, Python's json and Go's encoding/json read it,
        // and rewrites that one: the upstream sees the backend's model wherever it reads the last key.
        var body = """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}],"model":"ok-dup"}""";
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await gateway.Host.Audit.WaitForRequestAsync(a => a.GetProperty("model").GetString() == "ok-dup", TimeSpan.FromSeconds(3));
        Assert.Equal("ok-models", line.GetProperty("rule").GetString());
        Assert.Equal("ok", line.GetProperty("backend").GetString());
        var forwarded = gateway.Upstream.Requests.Single(r => r.BodyText.Contains("no-such-model"));
        Assert.Equal("""{"model":"no-such-model","messages":[{"role":"user","content":"hi"}],"model":"ok-model"}""", forwarded.BodyText);

        gateway.Host.Audit.Clear();
        var reversed = """{"model":"ok-1","model":"no-such-model"}""";
        using var unrouted = await PostAsync(Encoding.UTF8.GetBytes(reversed));
        await AssertRejected(unrouted, HttpStatusCode.ServiceUnavailable, "no_route", "no_route");
    });

    public static TheoryData<string, string> BrokenChunks => new()
    {
        { "non-hex size", "ZZ\r\n{}\r\n0\r\n\r\n" },
        { "size overflows", "FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n" },
        { "data longer than its size", "2\r\n{\"model\":\"ok-1\"}\r\n0\r\n\r\n" },
        { "no CRLF after the size", "10{\"model\":\"ok-1\"}\r\n0\r\n\r\n" },
        { "negative size", "-5\r\n{}\r\n0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenChunks))]
    public Task BrokenChunkFraming_Gets400(string name, string chunks) => UnderTrafficAsync(async () =>
    {
        _ = name;
        using var connection = await RawConnection.OpenAsync(gateway.Host.BaseAddress);
        await connection.SendAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(3));
        Assert.True(response.Status == 400, $"expected 400, got: {response}");
        DrillGateway.AssertOpenAIError(response.Body, "invalid_body");
        await AssertAuditAsync(400, "invalid_request");
    });

    [Fact]
    public Task BodyShorterThanContentLength_ThenHalfClose_IsClientCanceled() => UnderTrafficAsync(async () =>
    {
        // Kestrel treats the client's FIN as the client leaving: no response can be written any more.
        using var connection = await RawConnection.OpenAsync(gateway.Host.BaseAddress);
        await connection.SendAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model\":\"ok-1\"");
        connection.ShutdownSend();
        var response = await connection.ReadToEndAsync(TimeSpan.FromSeconds(3));
        Assert.True(response.ConnectionEnded && response.Status is null, $"expected the connection to end without a response, got: {response}");
        // The body read fails ("Unexpected end of request content") and Kestrel fires RequestAborted for the FIN
        // on another thread: the audit line says whichever the dispatcher saw first. Both are documented outcomes.
        var line = await gateway.Host.Audit.WaitForRequestAsync(a => a.GetProperty("outcome").GetString() != "ok", TimeSpan.FromSeconds(3));
        var outcome = (line.GetProperty("outcome").GetString(), line.GetProperty("status").GetInt32());
        Assert.True(outcome is ("client_canceled", 499) or ("invalid_request", 400), $"unexpected audit line: {line}");
        Assert.Single(gateway.AbnormalAudit());
    });

    /// <summary>
    /// <c>"\ud800"</c> is grammatical JSON but not a string: where the gateway must read it (the <c>model</c> value,
    /// a top-level key that might spell "model") it is a 400; deeper inside the body it is passed through untouched.
    /// </summary>
    [Theory]
    [InlineData("""{"model":"ok-\ud800","messages":[]}""", 400)]
    [InlineData("""{"\udc00":1,"model":"sink-model","messages":[]}""", 400)]
    [InlineData("""{"model":"sink-model","messages":[{"role":"user","content":"\ud800","\udc00":2}]}""", 200)]
    public Task EscapedLoneSurrogate(string body, int status) => UnderTrafficAsync(async () =>
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body), false, ("x-case", "sink"));
        if (status == 400)
        {
            await AssertRejected(response, HttpStatusCode.BadRequest, "invalid_json", "invalid_request");
            Assert.Equal(0, gateway.Sink.Count);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(body, Encoding.UTF8.GetString(await gateway.Sink.NextBodyAsync(TimeSpan.FromSeconds(3))));
        }
    });

    [Fact]
    public Task EscapedModelKey_IsTheModel() => UnderTrafficAsync(async () =>
    {
        // "m\u006fdel" is "model" to every JSON parser upstream: the gateway must route and rewrite on it too.
        var body = """{"m\u006fdel":"ok-escaped","messages":[]}""";
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await gateway.Host.Audit.WaitForRequestAsync(a => a.GetProperty("model").GetString() == "ok-escaped", TimeSpan.FromSeconds(3));
        Assert.Equal("ok", line.GetProperty("backend").GetString());
        var forwarded = gateway.Upstream.Requests.Single(r => r.BodyText.Contains("m\\u006fdel"));
        Assert.Equal("""{"m\u006fdel":"ok-model","messages":[]}""", forwarded.BodyText);
    });
}
