using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

public sealed class CompiledResourcesTests
{
    [Fact]
    public void AGatewayModeRouter_IsRefusedFromFiles_AsOnlyEnvoyEnforcesItsPolicy()
    {
        var file = Path.Combine(Path.GetTempPath(), $"llmkube-gw-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: r}
            spec:
              dataPlane: Gateway
              gatewayRef: {name: eg}
              backends: [{name: a, tier: local, external: {provider: openai, model: m, url: "http://127.0.0.1:9"}}]
              defaultRoute: a
            """);
        try
        {
            var compiled = CompiledResources.Load(file);

            Assert.False(compiled.Succeeded);
            Assert.Empty(compiled.Configs);
            Assert.Equal(
                $"{file}: ModelRouter default/r: spec.dataPlane: dataPlane Gateway is served by an Envoy AI Gateway in a cluster, not by this gateway; use Proxy (or remove the field) to serve it from files",
                Assert.Single(compiled.Problems));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
