using System.Text.Json;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Hosting;

/// <summary>The silo program as an operator starts it against a cluster: <c>--kubeconfig</c>, then SIGTERM.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class SiloProcessTests(ApiServerFixture api, RedisFixture redis) : IClassFixture<RedisFixture>
{
    [ApiServerFact]
    public async Task TheSiloProgram_WithKubeconfig_ReconcilesARouter_AndStopsCleanlyOnSigterm()
    {
        var ns = await api.CreateNamespaceAsync("proc");
        await using var silo = await ServiceProcess.SiloAsync(
        [
            "--redis", redis.Server.Endpoint, "--kubeconfig", api.KubeconfigPath,
            "--silo-port", Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"--Silo:Kubernetes:Namespaces:0={ns}", $"--Cluster:ServiceId=proc-{ns}",
        ]);
        var apply = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: chat, namespace: {{ns}}}
            spec:
              backends:
              - name: cloud
                external: {provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9"}
            """, "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        await Eventually.GetAsync(() => api.Client.AppsV1.ReadNamespacedDeploymentAsync("chat-router-proxy", ns), _ => true, TimeSpan.FromSeconds(30), "the gateway Deployment");
        var status = await Eventually.GetAsync(async () =>
        {
            var router = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>("inference.llmkube.dev", "v1alpha1", ns, "modelrouters", "chat");
            return router.TryGetProperty("status", out var s) ? s.GetProperty("phase").GetString() : null;
        }, phase => phase == "Provisioning", what: "the router's status");
        Assert.Equal("Provisioning", status);

        await silo.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.True(silo.HasExited);
        Assert.True(silo.ExitCode == 0, silo.Stderr);
    }
}
