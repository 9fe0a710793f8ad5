using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Validation;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>How a <c>provider: mock</c> backend is validated and compiled.</summary>
public sealed class MockValidationTests
{
    private static ModelRouter Router(params RouterBackend[] backends) => new()
    {
        ApiVersion = KubeObject.LLMKubeApiVersion,
        Kind = ModelRouter.KindName,
        Metadata = new ObjectMeta { Name = "r", Namespace = "default" },
        Spec = new ModelRouterSpec { Backends = [.. backends], DefaultRoute = backends[0].Name },
    };

    private static RouterBackend Mock(string name, string? url = null, string? tier = null) => new()
    {
        Name = name,
        Tier = tier,
        External = new ExternalProvider { Provider = ProviderDefaults.Mock, Model = name + "-model", Url = url },
    };

    [Fact]
    public void MockWithoutUrl_CompilesToTheReservedAddress_AsALocalBackend_WithoutCredential()
    {
        var result = RouterCompiler.Compile(Router(Mock("echo")), ResourceSet.Empty);

        Assert.Empty(result.Errors);
        var backend = Assert.Single(result.Config!.Backends);
        Assert.Equal("http://mock.llmkube.invalid", backend.Address);
        Assert.Equal(BackendTier.Local, backend.Tier);
        Assert.Equal("mock", backend.Provider);
        Assert.Null(backend.Credential);
    }

    [Fact]
    public void MockWithTierCloud_StaysCloud()
    {
        var result = RouterCompiler.Compile(Router(Mock("echo", tier: "cloud")), ResourceSet.Empty);
        Assert.Equal(BackendTier.Cloud, Assert.Single(result.Config!.Backends).Tier);
    }

    [Fact]
    public void OtherExternalProviders_StillDefaultToCloud()
    {
        var openai = new RouterBackend { Name = "o", External = new ExternalProvider { Provider = "openai", Model = "gpt" } };
        Assert.Equal("cloud", RouterSpecDefaults.EffectiveTier(openai));
    }

    [Fact]
    public void MockWithOptions_KeepsThemInItsAddress()
    {
        var result = RouterCompiler.Compile(Router(Mock("flaky", "http://mock.llmkube.invalid?status=503&seed=3")), ResourceSet.Empty);
        Assert.Equal("http://mock.llmkube.invalid?status=503&seed=3", Assert.Single(result.Config!.Backends).Address);
    }

    [Fact]
    public void BadMockUrls_AreRefusedAtTheirFieldPath()
    {
        var errors = ModelRouterValidator.Validate(Router(
            Mock("a"),
            Mock("b", "http://mock.llmkube.invalid?latencyMs=-5"),
            Mock("c", "http://127.0.0.1:8081"),
            Mock("d", "http://mock.llmkube.invalid?typo=1")));

        Assert.Equal(
            [
                "spec.backends[1].external.url: mock option \"latencyMs\" must be an integer from 0 to 600000; got \"-5\"",
                "spec.backends[2].external.url: must be http://mock.llmkube.invalid, optionally with options as a query (e.g. http://mock.llmkube.invalid?latencyMs=200&status=503); got \"http://127.0.0.1:8081\"",
                "spec.backends[3].external.url: unknown mock option \"typo\"; known options: latencyMs, chunkDelayMs, status, failureRate, seed, chunks",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void MockWithACredential_IsRefused()
    {
        var backend = Mock("echo");
        backend.External!.CredentialsSecretRef = new LocalObjectReference { Name = "openai" };

        var errors = ModelRouterValidator.Validate(Router(backend));

        Assert.Equal(["spec.backends[0].external.credentialsSecretRef: provider \"mock\" takes no credential"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void AnotherProvider_OnTheMockHost_IsRefused()
    {
        var backend = new RouterBackend { Name = "o", External = new ExternalProvider { Provider = "openai", Model = "m", Url = "http://mock.llmkube.invalid" } };

        var errors = ModelRouterValidator.Validate(Router(backend));

        Assert.Equal(["spec.backends[0].external.url: host mock.llmkube.invalid is reserved for provider \"mock\""], errors.Select(e => e.ToString()));
    }
}
