using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

public class ResourceSetTests
{
    private static T Named<T>(string name, string? ns = null)
        where T : KubeObject, new() => new() { Metadata = new ObjectMeta { Name = name, Namespace = ns } };

    [Fact]
    public void Find_TreatsEmptyNamespaceAsDefault()
    {
        var set = new ResourceSet(
            routers: [Named<ModelRouter>("r")],
            inferenceServices: [Named<InferenceService>("svc", "team")],
            secrets: [Named<Secret>("s", "default")]);

        Assert.NotNull(set.FindRouter("default", "r"));
        Assert.NotNull(set.FindRouter(null, "r"));
        Assert.NotNull(set.FindInferenceService("team", "svc"));
        Assert.Null(set.FindInferenceService("default", "svc"));
        Assert.NotNull(set.FindSecret("", "s"));
        Assert.Null(set.FindSecret("default", "other"));
    }

    [Fact]
    public void SecretValues_InvalidBase64_CountsAsMissing()
    {
        var secret = Named<Secret>("s");
        secret.Data = new() { ["k"] = "%%%" };

        Assert.False(new ResourceSet(secrets: [secret]).FindSecret(null, "s")!.Values().ContainsKey("k"));
    }

    [Fact]
    public void Empty_HasNothing()
    {
        Assert.Empty(ResourceSet.Empty.Routers);
        Assert.Empty(ResourceSet.Empty.InferenceServices);
        Assert.Empty(ResourceSet.Empty.Secrets);
    }
}
