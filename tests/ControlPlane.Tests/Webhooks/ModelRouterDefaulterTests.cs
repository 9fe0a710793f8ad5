using LLMKube.Grains.Api;
using LLMKube.Silo.Webhooks;

namespace LLMKube.ControlPlane.Tests.Webhooks;

public sealed class ModelRouterDefaulterTests
{
    private static ModelRouter With(params RouterBackend[] backends) => new() { Spec = new ModelRouterSpec { Backends = [.. backends] } };

    private static RouterBackend Service(string name, string? tier = null) => new() { Name = name, InferenceServiceRef = new LocalObjectReference { Name = "llama" }, Tier = tier };

    private static RouterBackend External(string name, string provider, string? tier = null) => new() { Name = name, External = new ExternalProvider { Provider = provider, Model = "m" }, Tier = tier };

    [Fact]
    public void EachBackendWithoutATier_GetsTheTierItRoutesWith()
    {
        var patches = ModelRouterDefaulter.Defaults(With(Service("a"), External("b", "openai"), External("c", "mock"), External("d", "anthropic")));

        Assert.Equal(
            [("/spec/backends/0/tier", "local"), ("/spec/backends/1/tier", "cloud"), ("/spec/backends/2/tier", "local"), ("/spec/backends/3/tier", "cloud")],
            patches.Select(p => (p.Path, p.Value!.GetValue<string>())));
        Assert.All(patches, p => Assert.Equal("add", p.Op));
    }

    [Fact]
    public void ABackendWithATier_IsLeftAsItIs_EvenWhenTheValidatorWillRefuseIt()
    {
        var patches = ModelRouterDefaulter.Defaults(With(Service("a", tier: "cloud"), External("b", "openai", tier: "local"), External("c", "openai")));

        Assert.Equal("/spec/backends/2/tier", Assert.Single(patches).Path);
    }

    [Fact]
    public void ABackendWithNeitherOrBothTargets_IsLeftToTheValidator()
    {
        var both = Service("b");
        both.External = new ExternalProvider { Provider = "openai" };

        Assert.Empty(ModelRouterDefaulter.Defaults(With(new RouterBackend { Name = "a" }, both)));
    }

    [Fact]
    public void ARouterWithoutBackends_GetsNoPatch()
    {
        Assert.Empty(ModelRouterDefaulter.Defaults(new ModelRouter()));
        Assert.Empty(ModelRouterDefaulter.Defaults(With()));
    }
}
