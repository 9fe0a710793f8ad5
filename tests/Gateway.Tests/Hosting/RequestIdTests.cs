using System.Net;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Hosting;

/// <summary>
/// Every response carries <c>x-request-id</c>: the audit line's <c>requestId</c> and the id the upstream
/// received. A client's own id is kept when it is short and plain, replaced otherwise.
/// </summary>
public sealed class RequestIdTests(RequestIdTests.Gateway gateway) : IClassFixture<RequestIdTests.Gateway>
{
    /// <summary>One backend for the model <c>m</c>; any other model has no route.</summary>
    public sealed class Gateway : UpstreamGateway
    {
        protected override string Resources(FakeUpstream upstream)
            => RouterYaml.Router(RouterYaml.Local("a", upstream.Port), RouterYaml.Rule("all", "a", "{ models: [m] }"));
    }

    private GatewayHost Host => gateway.Host;

    private static string ResponseId(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("x-request-id"));

    private Task<JsonElement> AuditOfAsync(string id)
        => Host.Audit.WaitForRequestAsync(l => l.GetProperty("requestId").GetString() == id);

    private static HttpRequestMessage Post(string body, params string[] ids)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var id in ids) request.Headers.TryAddWithoutValidation("x-request-id", id);
        return request;
    }

    [Fact]
    public async Task Routed_WithoutAClientId_TheGeneratedIdIsAnsweredLoggedAndSentUpstream()
    {
        using var response = await Host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = ResponseId(response);
        Assert.False(string.IsNullOrWhiteSpace(id));
        await AuditOfAsync(id);
        Assert.Single(gateway.RequestsWithId(id));
    }

    [Theory]
    [InlineData("req-123")]
    [InlineData("0HN7:00000001_a.b")]
    [InlineData("f47ac10b-58cc-4372-a567-0e02b2c3d479")]
    public async Task AValidClientId_IsKept_AnsweredLoggedAndForwarded(string id)
    {
        using var response = await Host.Client.SendAsync(Post("""{"model":"m"}""", id));

        Assert.Equal(id, ResponseId(response));
        await AuditOfAsync(id);
        Assert.Single(gateway.RequestsWithId(id));
    }

    [Fact]
    public async Task AClientIdOf128Characters_IsKept_OneOf129IsReplaced()
    {
        var longest = new string('a', 128);
        var tooLong = new string('b', 129);

        using var kept = await Host.Client.SendAsync(Post("""{"model":"m"}""", longest));
        using var replaced = await Host.Client.SendAsync(Post("""{"model":"m"}""", tooLong));

        Assert.Equal(longest, ResponseId(kept));
        Assert.NotEqual(tooLong, ResponseId(replaced));
        Assert.Single(gateway.RequestsWithId(ResponseId(replaced)));
        Assert.False(gateway.UpstreamSaw(tooLong));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("a/b")]
    [InlineData("<script>")]
    [InlineData("\"quoted\"")]
    [InlineData("")]
    public async Task AnInvalidClientId_IsReplaced_Everywhere(string id)
    {
        using var response = await Host.Client.SendAsync(Post("""{"model":"m"}""", id));

        var answered = ResponseId(response);
        Assert.NotEqual(id, answered);
        await AuditOfAsync(answered);
        Assert.Single(gateway.RequestsWithId(answered));
        Assert.False(id.Length > 0 && gateway.UpstreamSaw(id));
    }

    [Fact]
    public async Task TwoClientIds_AreReplacedByOne()
    {
        using var response = await Host.Client.SendAsync(Post("""{"model":"m"}""", "one", "two"));

        var answered = ResponseId(response);
        Assert.NotEqual("one", answered);
        Assert.Single(gateway.RequestsWithId(answered));
        Assert.False(gateway.UpstreamSaw("one"));
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model":"unrouted"}""", HttpStatusCode.ServiceUnavailable)]
    public async Task GatewayErrors_CarryTheAuditedId(string body, HttpStatusCode status)
    {
        using var response = await Host.Client.SendAsync(Post(body));

        Assert.Equal(status, response.StatusCode);
        await AuditOfAsync(ResponseId(response));
        Assert.False(gateway.UpstreamSaw(ResponseId(response)));
    }

    [Fact]
    public async Task UpstreamErrors_Relayed_CarryTheGatewaysId_NotTheUpstreams()
    {
        gateway.Upstream.Enqueue(Behavior.Json(400, """{"error":{"message":"bad"}}""", new Dictionary<string, string> { ["x-request-id"] = "upstream-own-id" }));

        using var response = await Host.Client.SendAsync(Post("""{"model":"m"}""", "mine"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("mine", ResponseId(response));
    }

    [Theory]
    [InlineData("GET", "/v1/models")]
    [InlineData("GET", "/v1/models/a-model")]
    [InlineData("GET", "/v1/models/absent")]
    [InlineData("GET", "/v1/unknown")]
    [InlineData("GET", "/v1/chat/completions")]
    [InlineData("GET", "/healthz")]
    public async Task EveryOtherResponse_CarriesAnId_TheClientsWhenValid(string method, string path)
    {
        using var generated = await Host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("x-request-id", "client-7");
        using var kept = await Host.Client.SendAsync(request);

        Assert.False(string.IsNullOrWhiteSpace(ResponseId(generated)));
        Assert.Equal("client-7", ResponseId(kept));
    }
}
