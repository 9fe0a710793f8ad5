namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// One real redis-server for a test class (<c>IClassFixture&lt;RedisFixture&gt;</c>); each test is a cluster
/// of its own in it, under its own service id. A test that stops the server starts it again before it ends.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
