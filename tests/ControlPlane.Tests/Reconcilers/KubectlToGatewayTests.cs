using System.Net;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>
/// The whole path: a ModelRouter and a Secret applied with kubectl, a real silo (the production composition with
/// the Kubernetes control plane on) and a real gateway process joined through Redis, traffic to a fake upstream.
/// </summary>
[Collection(ApiServerCollection.Name)]
public sealed class KubectlToGatewayTests(ApiServerFixture api, RedisFixture redis) : IClassFixture<RedisFixture>
{
    [ApiServerFact]
    public async Task ARouterAppliedWithKubectl_RoutesThroughAGateway_WithTheSecretsCredential_AndFollowsARotation()
    {
        var redisServer = redis.Server;
        await using var upstream = await FakeUpstream.StartAsync();
        var ns = await api.CreateNamespaceAsync("e2e");
        var service = "t" + Guid.NewGuid().ToString("N")[..10];
        await ApplyAsync(Secret(ns, "sk-first"));
        await ApplyAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: chat, namespace: {{ns}} }
            spec:
              backends:
              - name: upstream
                tier: local
                external: { provider: openai, model: upstream-model, url: "http://127.0.0.1:{{upstream.Port}}", credentialsSecretRef: { name: openai } }
              rules:
              - name: all
                route: { backends: [upstream] }
            """);

        await using var silo = await SiloHost.StartAsync(redisServer, service, extra: new Dictionary<string, string?>
        {
            ["Silo:Kubernetes:Enabled"] = "true",
            ["Silo:Kubernetes:Kubeconfig"] = api.KubeconfigPath,
            ["Silo:Kubernetes:Namespaces:0"] = ns,
        });
        await using var gateway = await GatewayHost.JoinAsync(redisServer, service, $"{ns}/chat");

        using (var response = await gateway.SendAsync("anything"))
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{string.Join("\n", silo.Logs.Messages)}");
        Assert.Equal("Bearer sk-first", upstream.Requests[^1].Headers["authorization"].Single());

        // Rotating the Secret reaches the gateway with the next snapshot, without a restart.
        await ApplyAsync(Secret(ns, "sk-second"));
        var sent = await Eventually.GetAsync(async () =>
        {
            using var response = await gateway.SendAsync("anything");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return upstream.Requests[^1].Headers["authorization"].Single();
        }, h => h == "Bearer sk-second", what: "the rotated credential upstream");
        Assert.Equal("Bearer sk-second", sent);
        Assert.DoesNotContain(silo.Logs.Messages, m => m.Contains("sk-first") || m.Contains("sk-second"));
    }

    private static string Secret(string ns, string key) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: { name: openai, namespace: {{ns}} }
        stringData: { OPENAI_API_KEY: {{key}} }
        """;

    private async Task ApplyAsync(string yaml)
    {
        var result = await api.KubectlWithInputAsync(yaml, "apply", "-f", "-");
        Assert.True(result.ExitCode == 0, result.StdErr);
    }
}
