using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>
/// What the observability tests share: one Prometheus and one redis-server for the whole collection (each test is a
/// cluster of its own in it, under its own service id, and labels its scrape targets with its own name).
/// </summary>
public sealed class ObservabilityFixture : IAsyncLifetime
{
    private PrometheusServer? _prometheus;

    /// <summary>The shared Prometheus; only a <see cref="PrometheusFactAttribute"/> test may use it.</summary>
    public PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException(PrometheusServer.SkipReason);

    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var redis = RedisServer.StartAsync();
        if (PrometheusServer.Found) _prometheus = await PrometheusServer.StartAsync();
        Redis = await redis;
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null) await _prometheus.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
