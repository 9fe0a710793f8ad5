using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Gateway.Hosting;
using LLMKube.Grains.Hosting;
using LLMKube.Silo.Hosting;

namespace LLMKube.Gateway.Tests.Hosting;

/// <summary>
/// Both silo hosts (the gateway's co-hosted one and the silo process) give Orleans' membership area, whose
/// watchdog reads it, the <see cref="MembershipClock"/> rather than Orleans' default of the process's clock.
/// </summary>
public sealed class MembershipClockWiringTests
{
    [Fact]
    public async Task StandaloneGateway_MembershipAreaUsesTheMembershipClock()
    {
        var resources = Directory.CreateTempSubdirectory("llmkube-clock-").FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "router.yaml"), RouterYaml.Router(RouterYaml.Local("a", 1), RouterYaml.Rule("all", "a")));
        await using var app = GatewayApp.Build([], new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", ["Gateway:Resources"] = resources });

        Assert.Same(MembershipClock.Instance, app.Services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Membership));
        Directory.Delete(resources, recursive: true);
    }

    [Fact]
    public async Task Silo_MembershipAreaUsesTheMembershipClock()
    {
        // Built, not started: nothing connects to this Redis address.
        await using var app = SiloApp.Build([], new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0", ["Cluster:Redis"] = "127.0.0.1:1" });

        Assert.Same(MembershipClock.Instance, app.Services.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Membership));
    }
}
