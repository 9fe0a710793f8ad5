using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Routing;

public sealed class SecretValueTests
{
    private static ModelRouter Router() => new()
    {
        Metadata = new ObjectMeta { Name = "r", Namespace = "ns" },
        Spec = new ModelRouterSpec
        {
            Backends = [new RouterBackend { Name = "cloud", External = new ExternalProvider { Provider = "openai", Model = "m", CredentialsSecretRef = new LocalObjectReference { Name = "openai" } } }],
            Rules = [new RouterRule { Name = "all", Route = new RuleRoute { Backends = ["cloud"] } }],
        },
    };

    private static Secret Secret(string key) => new()
    {
        Metadata = new ObjectMeta { Name = "openai", Namespace = "ns" },
        StringData = new Dictionary<string, string> { ["OPENAI_API_KEY"] = key },
    };

    private static RouterConfig Compile(params Secret[] secrets)
    {
        var compiled = RouterCompiler.Compile(Router(), new ResourceSet([Router()], secrets: secrets));
        Assert.Empty(compiled.Errors);
        return compiled.Config!;
    }

    [Fact]
    public void TheCompiler_CarriesTheSecretsValue_WhenItCanReadIt()
    {
        Assert.Equal("sk-one", Compile(Secret("sk-one")).Backends[0].Credential!.Value!.Reveal());
        Assert.Null(Compile().Backends[0].Credential!.Value);
    }

    [Fact]
    public void ARotatedSecret_IsANewConfig()
        => Assert.NotEqual(Compile(Secret("sk-one")).SpecHash, Compile(Secret("sk-two")).SpecHash);

    [Fact]
    public void NoTextFormOfTheConfig_ShowsTheValue()
    {
        var config = Compile(Secret("sk-secret-value"));
        Assert.DoesNotContain("sk-secret-value", config.ToString());
        Assert.DoesNotContain("sk-secret-value", config.Backends[0].ToString());
        Assert.DoesNotContain("sk-secret-value", System.Text.Json.JsonSerializer.Serialize(config));
        Assert.DoesNotContain("sk-secret-value", config.SpecHash);
        Assert.Equal("(redacted)", config.Backends[0].Credential!.Value!.ToString());
    }

    [Fact]
    public void WhatStorageKeeps_HasNoValue_ButTheSameHash()
    {
        var config = Compile(Secret("sk-one"));
        var stored = config.WithoutSecretValues();
        Assert.True(config.HasSecretValues);
        Assert.False(stored.HasSecretValues);
        Assert.Equal(config.SpecHash, stored.SpecHash);
        Assert.Equal(("openai", "OPENAI_API_KEY"), (stored.Backends[0].Credential!.SecretName, stored.Backends[0].Credential!.Key));
    }
}
