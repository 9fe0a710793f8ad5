using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests;

[Collection(ApiServerCollection.Name)]
public sealed class ApiServerSmokeTests(ApiServerFixture api)
{
    [ApiServerFact]
    public async Task TheApiServer_Answers_AndKubectlReachesIt()
    {
        var ns = await api.CreateNamespaceAsync();
        var get = await api.KubectlAsync("get", "namespace", ns, "-o", "name");
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("namespace/" + ns, get.StdOut.Trim());
    }
}
