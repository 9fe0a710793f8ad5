using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>The README's first run: the gateway process started on the repository's mock sample answers at once.</summary>
public sealed class QuickstartSampleTests
{
    private static string SamplePath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LLMKube.Orleans.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "samples", "quickstart", "mock.yaml");
    }

    [Fact]
    public async Task MockSample_AnswersChat_FallsBack_AndTimesOut_AsItsCommentsSay()
    {
        await using var gateway = await ServiceProcess.GatewayAsync(["--standalone", "--resources", SamplePath()]);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        foreach (var model in new[] { "echo", "flaky", "slow" })
        {
            using var response = await client.SendAsync(MockHttp.Post("/v1/chat/completions", MockHttp.Chat("Say hello", model: model)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Mock answer to \"Say hello\".", json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("mock-echo", json.GetProperty("model").GetString());
        }

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal(["mock-echo", "mock-flaky", "mock-slow"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).Order());
        Assert.Contains("\"attempts\":[{\"backend\":\"flaky\",\"outcome\":\"upstream_error\",\"status\":503", gateway.Stdout);
        Assert.Contains("\"attempts\":[{\"backend\":\"slow\",\"outcome\":\"timeout\"", gateway.Stdout);
    }
}
