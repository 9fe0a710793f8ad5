namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// One <see cref="FakeUpstream"/> behind one standalone gateway, shared by the tests of a class (an xunit class
/// fixture): a derived fixture says how the gateway reaches the upstream. Tests that share it tell their
/// requests apart by <c>x-request-id</c>, which the gateway forwards and logs.
/// </summary>
public abstract class UpstreamGateway : IAsyncLifetime
{
    public FakeUpstream Upstream { get; private set; } = null!;
    public GatewayHost Host { get; private set; } = null!;

    /// <summary>The resource files of the gateway, routing to <paramref name="upstream"/>.</summary>
    protected abstract string Resources(FakeUpstream upstream);

    /// <summary>Gateway settings (the defaults when null).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        Upstream = await FakeUpstream.StartAsync();
        Host = await GatewayHost.StartAsync(Resources(Upstream), settings: Settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>The requests the upstream received carrying <paramref name="id"/> as their only <c>x-request-id</c>.</summary>
    public RecordedRequest[] RequestsWithId(string id)
        => [.. Upstream.Requests.Where(r => r.Headers.TryGetValue("x-request-id", out var ids) && ids is [var only] && only == id)];

    /// <summary>True when some upstream request carried <paramref name="id"/> among its <c>x-request-id</c> values.</summary>
    public bool UpstreamSaw(string id)
        => Upstream.Requests.Any(r => r.Headers.TryGetValue("x-request-id", out var ids) && ids.Contains(id));
}
