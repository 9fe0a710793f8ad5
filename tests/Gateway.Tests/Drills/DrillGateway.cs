using System.Net;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>The drills run one at a time: each floods the machine (2 cores) and must not slow the others' normal traffic.</summary>
[CollectionDefinition(Name)]
public sealed class DrillCollection
{
    public const string Name = "Fault drills";
}

/// <summary>
/// One gateway (and fake upstream) shared by the tests of a drill class, so each test's time is the drill
/// itself. Requests for models <c>ok-*</c> go to <c>ok</c>; requests with <c>x-case: sink</c> go to a
/// <see cref="BodySink"/> that accepts bodies of any size; anything else has no route.
/// </summary>
public abstract class DrillGateway : IAsyncLifetime
{
    public FakeUpstream Upstream { get; private set; } = null!;
    public BodySink Sink { get; private set; } = null!;
    public GatewayHost Host { get; private set; } = null!;

    /// <summary>Gateway options for this drill (e.g. short Kestrel timeouts).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        Sink = await BodySink.StartAsync();
        Host = await GatewayHost.StartAsync(RouterYaml.Router(
                RouterYaml.Local("ok", Upstream.Port) + RouterYaml.Local("sink", Sink.BaseAddress),
                RouterYaml.Rule("to-sink", "sink", "{ headers: { x-case: sink } }")
                + RouterYaml.Rule("ok-models", "ok", "{ models: [\"ok-*\"] }")),
            settings: Settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sink.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>The gateway still answers an ordinary request after the drill.</summary>
    public async Task AssertStillServesAsync()
    {
        using var response = await Host.SendAsync("ok-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var models = await Host.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    /// <summary>The audit lines written since <see cref="LineCapture.Clear"/>, other than the normal traffic's <c>ok</c> lines.</summary>
    public IReadOnlyList<JsonElement> AbnormalAudit()
        => Host.Audit.Json.Where(a => a.GetProperty("outcome").GetString() != "ok").ToArray();

    /// <summary>Asserts the body is an OpenAI error with <paramref name="code"/>; returns its message.</summary>
    public static string AssertOpenAIError(string body, string code)
    {
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        return error.GetProperty("message").GetString()!;
    }
}
