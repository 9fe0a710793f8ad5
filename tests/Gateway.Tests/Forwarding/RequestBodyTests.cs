using System.Text;
using System.Text.Json.Nodes;
using LLMKube.Gateway.Forwarding;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// The body as a backend receives it: the model override and the <c>stream_options.include_usage</c> splice,
/// alone or together, wherever the fields are; every other byte exactly as the client sent it.
/// </summary>
public sealed class RequestBodyTests
{
    private static async Task<RequestBody> ParseAsync(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var body = await RequestBody.ReadAsync(context.Request, 1024 * 1024, CancellationToken.None);
        Assert.NotNull(body);
        Assert.Null(body.Parse(64));
        return body;
    }

    private static string Sent(RequestBody body, string? model, bool requestUsage)
    {
        var (stream, length) = body.OpenRead(model, requestUsage);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(length, copy.Length);
        return Encoding.UTF8.GetString(copy.ToArray());
    }

    [Fact]
    public async Task NoOverrideAndNoUsage_IsTheSameBytes()
    {
        const string json = """{ "model" : "m", "stream": true, "messages": [] }""";
        using var body = await ParseAsync(json);

        Assert.Equal(json, Sent(body, null, requestUsage: false));
        Assert.Equal(json, Sent(body, "m", requestUsage: false)); // the same model is no change
    }

    [Fact]
    public async Task UsageInjected_WithoutStreamOptions_IsInsertedFirst_TheRestByteForByte()
    {
        const string json = """{"model":"m","stream":true,"messages":[{"role":"user","content":"a \"quoted\" é"}]}""";
        using var body = await ParseAsync(json);

        Assert.True(body.Stream);
        Assert.False(body.StreamUsageRequested);
        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"m","stream":true,"messages":[{"role":"user","content":"a \"quoted\" é"}]}""",
            Sent(body, null, requestUsage: true));
    }

    [Fact]
    public async Task UsageAlreadyRequested_IsNotTouched()
    {
        const string json = """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""";
        using var body = await ParseAsync(json);

        Assert.True(body.StreamUsageRequested);
        Assert.Equal(json, Sent(body, null, requestUsage: true));
    }

    [Theory]
    [InlineData("""{"stream_options":{"continuous_usage_stats":false},"model":"m","stream":true}""",
                """{"stream_options":{"continuous_usage_stats":false,"include_usage":true},"model":"m","stream":true}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"include_usage":false,"include_obfuscation":false}}""",
                """{"model":"m","stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false}}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":null,"n":1}""",
                """{"model":"m","stream":true,"stream_options":{"include_usage":true},"n":1}""")]
    [InlineData("""{"model":"m","stream":true,"stream_options": {} }""",
                """{"model":"m","stream":true,"stream_options": {"include_usage":true} }""")]
    [InlineData("""{"model":"m","stream":true,"stream_options":{"include_usage":"yes","nested":{"include_usage":true}}}""",
                """{"model":"m","stream":true,"stream_options":{"include_usage":true,"nested":{"include_usage":true}}}""")]
    public async Task StreamOptionsWithoutIncludeUsage_AreRewritten_KeepingTheClientsOtherOptions(string json, string expected)
    {
        using var body = await ParseAsync(json);

        Assert.False(body.StreamUsageRequested);
        Assert.Equal(expected, Sent(body, null, requestUsage: true));
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","stream":true,"messages":[]}""")]
    [InlineData("""{"stream":true,"messages":[],"model":"gpt-4o"}""")]
    [InlineData("""{"stream_options":{"x":1},"stream":true,"model":"gpt-4o"}""")]
    [InlineData("""{"model":"gpt-4o","stream":true,"stream_options":{"x":1}}""")]
    [InlineData("""{ "messages": [{"content": "\"model\":\"gpt-4o\""}], "model" : "gpt-4o" , "stream" : true }""")]
    public async Task ModelOverrideAndUsage_Together_InEitherOrder(string json)
    {
        using var body = await ParseAsync(json);

        var sent = JsonNode.Parse(Sent(body, "upstream-model", requestUsage: true))!;

        var expected = JsonNode.Parse(json)!;
        expected["model"] = "upstream-model";
        var options = expected["stream_options"] as JsonObject ?? [];
        options.Remove("include_usage");
        options["include_usage"] = true;
        expected["stream_options"] = options.DeepClone();
        Assert.True(JsonNode.DeepEquals(expected, sent), sent.ToJsonString());
    }

    [Fact]
    public async Task ModelOverride_Alone_ReplacesOnlyTheModelValue()
    {
        const string json = """{"messages":[{"role":"user","content":"the text \"model\":\"a\" stays"}],"model" :  "a","stream":false}""";
        using var body = await ParseAsync(json);

        Assert.Equal("""{"messages":[{"role":"user","content":"the text \"model\":\"a\" stays"}],"model" :  "b/c:7","stream":false}""",
            Sent(body, "b/c:7", requestUsage: false));
    }

    [Theory]
    [InlineData("modèle-é")]
    [InlineData("模型 😀")]
    [InlineData("quote\"back\\slash")]
    public async Task UnicodeAndEscapedModelNames_ReachTheUpstreamIntact(string model)
    {
        using var body = await ParseAsync("""{"model":"m","stream":true,"messages":[]}""");

        var sent = JsonNode.Parse(Sent(body, model, requestUsage: true))!;

        Assert.Equal(model, sent["model"]!.GetValue<string>());
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task UnicodeModelOfTheClient_IsParsed_AndKeptWhenTheOverrideIsTheSame()
    {
        const string json = """{"model":"\u00e9t\u00e9","stream":true}""";
        using var body = await ParseAsync(json);

        Assert.Equal("été", body.Model);
        Assert.Equal(json, Sent(body, "été", requestUsage: false));
    }

    [Theory]
    [InlineData("""{"include_usage":true,"include_usage":false}""", """{"include_usage":true}""")]
    [InlineData("""{"a":1,"include_usage":false,"b":2,"include_usage":null}""", """{"a":1,"include_usage":true,"b":2}""")]
    [InlineData("""{"note":"é \"q\" <tag>"}""", """{"note":"é \"q\" <tag>","include_usage":true}""")]
    [InlineData("""{"odd":"\ud800"}""", """{"odd":"\ud800","include_usage":true}""")]
    public async Task StreamOptionsWithDuplicatesOrOddStrings_AreRewrittenWithoutThrowing(string options, string expected)
    {
        using var body = await ParseAsync($$"""{"model":"m","stream":true,"stream_options":{{options}}}""");

        Assert.False(body.StreamUsageRequested);
        Assert.Equal($$"""{"model":"m","stream":true,"stream_options":{{expected}}}""", Sent(body, null, requestUsage: true));
    }

    [Fact]
    public async Task ToArray_IsWhatOpenReadSends_WithoutUsage()
    {
        using var body = await ParseAsync("""{"model":"m","stream":true}""");

        Assert.Equal("""{"model":"x","stream":true}""", Encoding.UTF8.GetString(body.ToArray("x")));
    }

    [Fact]
    public async Task OpenRead_CanBeCalledOncePerAttempt_EachStreamFromTheStart()
    {
        using var body = await ParseAsync("""{"model":"m","stream":true}""");

        var first = Sent(body, "cloud", requestUsage: true);
        var second = Sent(body, null, requestUsage: false);
        var third = Sent(body, "cloud", requestUsage: true);

        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"cloud","stream":true}""", first);
        Assert.Equal("""{"model":"m","stream":true}""", second);
        Assert.Equal(first, third);
    }
}
