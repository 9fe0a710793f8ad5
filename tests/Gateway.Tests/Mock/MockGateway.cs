using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>One standalone gateway whose only backend is a plain mock, shared by the shape tests of a class.</summary>
public sealed class MockGateway : IAsyncLifetime
{
    public GatewayHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await GatewayHost.StartAsync(MockHttp.Router(MockHttp.Backend("echo")));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
