using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Tests.Routing;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// The header rules of an upstream request: the client's own credentials never leave, the backend's
/// credential goes in its provider's shape, cloud backends get a fresh connection, and the connect
/// timeout rides along for the connection callback.
/// </summary>
public sealed class UpstreamHeadersTests
{

    private static HttpRequestMessage ClientRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://upstream.invalid/v1/chat/completions");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-client");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic Y2xpZW50");
        request.Headers.TryAddWithoutValidation("x-api-key", "client-anthropic-key");
        request.Headers.TryAddWithoutValidation("api-key", "client-azure-key");
        request.Headers.TryAddWithoutValidation("anthropic-version", "2020-01-01");
        request.Headers.TryAddWithoutValidation("x-custom", "kept");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        request.Headers.Host = "gateway.example";
        return request;
    }

    private static BackendConfig Backend(string? provider, BackendTier tier = BackendTier.Local)
        => Plans.Backend("b") with { Provider = provider, Tier = tier };

    private static string? Header(HttpRequestMessage request, string name)
        => request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("litellm")]
    public void WithoutCredential_TheClientsCredentialsAreDropped_OtherHeadersKept(string provider)
    {
        using var request = ClientRequest();

        UpstreamHeaders.Apply(request, Backend(provider), credential: null);

        Assert.Null(request.Headers.Authorization);
        Assert.Null(Header(request, "Proxy-Authorization"));
        Assert.Null(Header(request, "x-api-key"));
        Assert.Null(Header(request, "api-key"));
        Assert.Null(request.Headers.Host);
        Assert.Equal("kept", Header(request, "x-custom"));
        Assert.Null(request.Headers.ConnectionClose);
        Assert.Empty(request.Headers.AcceptEncoding); // bodies come back plain, so their usage can be read
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("litellm")]
    [InlineData("vertex_ai")]
    [InlineData(null)]
    public void OpenAIShapedProviders_GetABearerToken(string? provider)
    {
        using var request = ClientRequest();

        UpstreamHeaders.Apply(request, Backend(provider), "sk-backend");

        Assert.Equal("Bearer sk-backend", request.Headers.Authorization?.ToString());
        Assert.Null(Header(request, "x-api-key"));
        Assert.Null(Header(request, "api-key"));
    }

    [Theory]
    [InlineData("anthropic")]
    [InlineData("Anthropic")]
    public void Anthropic_GetsItsApiKeyAndVersion_AndNoAuthorization(string provider)
    {
        using var request = ClientRequest();

        UpstreamHeaders.Apply(request, Backend(provider), "sk-ant-backend");

        Assert.Null(request.Headers.Authorization);
        Assert.Equal("sk-ant-backend", Header(request, "x-api-key"));
        Assert.Equal("2023-06-01", Header(request, "anthropic-version"));
        Assert.Null(Header(request, "api-key"));
    }

    [Fact]
    public void Cloud_AsksForAFreshConnection_LocalDoesNot()
    {
        using var cloud = ClientRequest();
        using var local = ClientRequest();

        UpstreamHeaders.Apply(cloud, Backend("openai", BackendTier.Cloud), "k");
        UpstreamHeaders.Apply(local, Backend("openai", BackendTier.Local), "k");

        Assert.True(cloud.Headers.ConnectionClose);
        Assert.Null(local.Headers.ConnectionClose);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("x-api-key")]
    [InlineData("API-KEY")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Connection")]
    [InlineData("Host")]
    [InlineData("Content-Length")]
    public void NotForwarded_ListsCredentialsAndHopByHopHeaders_AnyCase(string name)
    {
        Assert.Contains(name, UpstreamHeaders.NotForwarded);
    }
}
