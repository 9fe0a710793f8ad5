using LLMKube.Grains.Backends;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Routing;

/// <summary>The breaker's fields, from YAML to the compiled config and each backend's breaker policy.</summary>
public sealed class BreakerCompileTests
{
    private static RouterConfig Compile(string backends, string proxy = "")
    {
        var loaded = ResourceLoader.LoadText($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: r, namespace: default }
            spec:
              backends:
            {{backends}}
              defaultRoute: a
            {{proxy}}
            """, "router.yaml");
        Assert.Empty(loaded.Problems);
        var result = RouterCompiler.Compile(loaded.Resources.FindRouter("default", "r")!, loaded.Resources);
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    private const string Plain = """
          - name: a
            external: { provider: openai, url: "http://10.0.0.1:8080", model: m }
        """;

    [Fact]
    public void Defaults_ThresholdThree_NoHealthCheck()
    {
        var config = Compile(Plain);
        Assert.Equal(BreakerSettings.Default, config.Breaker);
        Assert.Null(config.Backends[0].HealthCheck);
        Assert.Equal(new BreakerPolicy(TimeSpan.FromSeconds(15), 3, 3, 1), BreakerPolicy.For(config, config.Backends[0]));
    }

    [Fact]
    public void HealthCheckPresent_GetsEveryDefault()
    {
        var config = Compile(Plain + "\n    healthCheck: {}");
        Assert.Equal(new HealthCheckConfig("/health", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 3, 1), config.Backends[0].HealthCheck);
        Assert.Equal(TimeSpan.FromSeconds(22), config.Backends[0].HealthCheck!.Lease);
    }

    [Fact]
    public void EveryField_IsCompiled_AndChangesTheSpecHash()
    {
        var config = Compile(Plain + "\n    healthCheck: { path: /ready, intervalSeconds: 30, timeoutSeconds: 5, failureThreshold: 2, successThreshold: 4 }",
            "  proxy: { consecutive5xxThreshold: 7, quarantineDuration: 1m }");
        Assert.Equal(new HealthCheckConfig("/ready", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), 2, 4), config.Backends[0].HealthCheck);
        Assert.Equal(7, config.Breaker.Consecutive5xxThreshold);
        Assert.Equal(new BreakerPolicy(TimeSpan.FromMinutes(1), 7, 2, 4), BreakerPolicy.For(config, config.Backends[0]));
        Assert.NotEqual(Compile(Plain, "  proxy: { quarantineDuration: 1m }").SpecHash, config.SpecHash);
    }
}
