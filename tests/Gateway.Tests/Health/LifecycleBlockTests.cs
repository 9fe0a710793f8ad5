using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// A lifecycle block (the backend's InferenceService is not serving) takes the backend out of rotation in the
/// gateway at once: never tried, not even by panic mode, shown in <c>/v1/models</c>, and back when it is lifted.
/// The block is set on the Backend grain of the standalone gateway's co-hosted silo, as the control plane would.
/// </summary>
public sealed class LifecycleBlockTests
{
    private const string Reason = "InferenceService default/qwen is Creating";

    private static Task Block(GatewayHost host, string backend, string? reason)
        => host.Service<IGrainFactory>().GetGrain<IBackendGrain>($"default/test/{backend}").SetBlock(LifecycleSource.InferenceService, reason);

    [Fact]
    public async Task ABlockedBackend_IsSkipped_ForTheNextCandidate()
    {
        await using var first = await FakeUpstream.StartAsync();
        await using var second = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(
            RouterYaml.Local("first", first.Port) + RouterYaml.Local("second", second.Port), RouterYaml.Rule("all", "first, second")));

        await Block(host, "first", Reason);
        await host.WaitForPlanAsync(p => p.ByName["first"].Blocked is not null);
        using var response = await host.SendAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((0, 1), (first.RequestCount, second.RequestCount));
        var line = await host.Audit.WaitForRequestAsync(l => l.GetProperty("attempts").GetArrayLength() == 2);
        Assert.Equal("skipped_unavailable", line.GetProperty("attempts")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task TheOnlyBackendBlocked_IsRefused_EvenInPanicMode_ShownInModels_AndBackWhenLifted()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(RouterYaml.Local("only", upstream.Port), RouterYaml.Rule("all", "only")));

        await Block(host, "only", Reason);
        await host.WaitForPlanAsync(p => p.ByName["only"].Blocked is not null);
        using (var refused = await host.SendAsync())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var (code, message) = await Chat.ErrorAsync(refused);
            Assert.Equal("no_eligible_backend", code);
            Assert.Contains(Reason, message);
        }
        Assert.Equal(0, upstream.RequestCount);
        var model = (await host.Client.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data")[0];
        Assert.False(model.GetProperty("available").GetBoolean());
        Assert.Equal(Reason, model.GetProperty("unavailable_reason").GetString());

        await Block(host, "only", null);
        await host.WaitForPlanAsync(p => p.ByName["only"].Blocked is null);
        using (var served = await host.SendAsync()) Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.False((await host.Client.GetFromJsonAsync<JsonElement>("/v1/models")).GetProperty("data")[0].TryGetProperty("available", out _));
    }
}
