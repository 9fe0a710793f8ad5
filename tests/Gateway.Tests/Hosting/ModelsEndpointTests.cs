using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;
using OpenAI;
using OpenAI.Models;

namespace LLMKube.Gateway.Tests.Hosting;

/// <summary>
/// <c>GET /v1/models</c> lists each model id once; <c>GET /v1/models/{id}</c> returns one (ids may contain
/// <c>/</c>) or 404 <c>model_not_found</c>; <c>/v1/responses</c> is routed like the other endpoints.
/// </summary>
public sealed class ModelsEndpointTests(ModelsEndpointTests.Gateway gateway) : IClassFixture<ModelsEndpointTests.Gateway>
{
    /// <summary>Two backends serve <c>org/llama-3-8b</c> (the first is the default route), a third <c>qwen</c>.</summary>
    public sealed class Gateway : UpstreamGateway
    {
        protected override string Resources(FakeUpstream upstream)
        {
            var url = upstream.BaseAddress.ToString().TrimEnd('/');
            return RouterYaml.Router($$"""
                  - name: first
                    tier: local
                    external: { provider: openai, url: "{{url}}", model: org/llama-3-8b }
                  - name: second
                    tier: local
                    external: { provider: litellm, url: "{{url}}", model: org/llama-3-8b }
                  - name: third
                    tier: local
                    external: { provider: openai, url: "{{url}}", model: qwen }

                """, specExtra: "defaultRoute: first");
        }
    }

    private GatewayHost Host => gateway.Host;

    [Fact]
    public async Task List_HasEachIdOnce_InBackendOrder()
    {
        var models = await Host.Client.GetFromJsonAsync<JsonElement>("/v1/models");

        Assert.Equal("list", models.GetProperty("object").GetString());
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["org/llama-3-8b", "qwen"], ids);
        Assert.Equal("openai", models.GetProperty("data")[0].GetProperty("owned_by").GetString()); // the first backend's
    }

    [Theory]
    [InlineData("/v1/models/org/llama-3-8b", "org/llama-3-8b")]
    [InlineData("/v1/models/org%2Fllama-3-8b", "org/llama-3-8b")]
    [InlineData("/v1/models/qwen", "qwen")]
    public async Task Retrieve_ReturnsTheModelObject_IdsWithSlashesIncluded(string path, string id)
    {
        using var response = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var model = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.True(model.GetProperty("created").GetInt64() > 0);
        Assert.True(model.TryGetProperty("owned_by", out _));
        // The same object the list holds.
        var list = await Host.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        var listed = list.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);
        Assert.Equal(listed.GetRawText(), model.GetRawText());
    }

    [Fact]
    public async Task OpenAISdk_ListsAndRetrievesModels_AnIdWithASlashToo()
    {
        var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(Host.BaseAddress, "/v1") }).GetOpenAIModelClient();

        OpenAIModelCollection models = await client.GetModelsAsync();
        OpenAIModel model = await client.GetModelAsync("org/llama-3-8b");

        Assert.Equal(["org/llama-3-8b", "qwen"], models.Select(m => m.Id));
        Assert.Equal("org/llama-3-8b", model.Id);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("absent"));
        Assert.Equal(404, missing.Status);
    }

    [Theory]
    [InlineData("/v1/models/absent")]
    [InlineData("/v1/models/org")]
    [InlineData("/v1/models/QWEN")]
    [InlineData("/v1/models/qwen/")]
    [InlineData("/v1/models/first")] // a backend name is not a model id
    public async Task Retrieve_Unknown_Is404ModelNotFound(string path)
    {
        using var response = await Host.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (code, message) = await Chat.ErrorAsync(response);
        Assert.Equal("model_not_found", code);
        Assert.Contains("does not exist", message);
    }

    [Fact]
    public async Task Head_AnswersWithoutABody_PostIs405()
    {
        using var head = await Host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v1/models/qwen"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        using var post = await Host.Client.PostAsync("/v1/models/qwen", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow);
    }

    [Fact]
    public async Task Responses_IsRoutedLikeTheOtherEndpoints_ToTheSamePath()
    {
        const string body = """{"model":"anything","input":"hi"}""";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", "responses-1");

        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(gateway.RequestsWithId("responses-1"));
        Assert.Equal("/v1/responses", sent.Path);
        Assert.Contains("\"model\":\"org/llama-3-8b\"", sent.BodyText); // the backend's model override applies
        var audit = await Host.Audit.WaitForRequestAsync(l => l.GetProperty("requestId").GetString() == "responses-1");
        Assert.Equal("/v1/responses", audit.GetProperty("path").GetString());
        Assert.Equal("first", audit.GetProperty("backend").GetString());

        using var get = await Host.Client.GetAsync("/v1/responses");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }
}
