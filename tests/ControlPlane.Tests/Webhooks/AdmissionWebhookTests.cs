using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;

namespace LLMKube.ControlPlane.Tests.Webhooks;

/// <summary>kubectl against the real API server, which calls the silo's webhook over TLS on 127.0.0.1.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class AdmissionWebhookTests(ApiServerFixture api)
{
    // Passes the CRD schema and every CEL rule: only the C# validator knows that 50ms is below the 100 ms minimum.
    private static string Router(string ns, string name, string? timeout) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          backends:
          - name: local
            inferenceServiceRef: { name: llama }
            {{(timeout is null ? "" : "timeout: " + timeout)}}
          - name: cloud
            external: { provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9" }
          - name: mock
            external: { provider: mock, model: echo }
          - name: pinned
            external: { provider: openai, model: gpt-4o, url: "http://127.0.0.1:9" }
            tier: local
          rules:
          - name: all
            route: { backends: [local, cloud] }
        """;

    private async Task<(string Ns, TestWebhook Webhook, IAsyncDisposable Registration)> StartAsync()
    {
        var selector = "w" + Guid.NewGuid().ToString("N")[..8];
        var ns = await api.CreateNamespaceAsync("wh", new Dictionary<string, string> { [TestWebhook.NamespaceLabel] = selector });
        var port = Gateway.Tests.Fixtures.Ports.Free();
        var configuration = "llmkube-test-" + selector;
        var registration = await TestWebhook.RegisterAsync(api, configuration, TestWebhook.BaseUrlOf(port), selector);
        var webhook = await TestWebhook.StartAsync(api, ns, "llmkube-webhook-tls", configuration, port: port);
        // The API server picks up new registrations a moment later: a server-side dry run shows when ours is consulted.
        await Eventually.GetAsync(
            async () => await api.KubectlWithInputAsync(Router(ns, "probe", "50ms"), "apply", "--dry-run=server", "-f", "-"),
            r => r.StdErr.Contains("spec.backends[0].timeout", StringComparison.Ordinal), what: "the webhook consulted by the API server");
        return (ns, webhook, registration);
    }

    [ApiServerFact]
    public async Task KubectlApply_OfARouterOnlyTheValidatorRefuses_ShowsThePathAndMessage()
    {
        var (ns, webhook, registration) = await StartAsync();
        await using var _ = registration;
        await using var __ = webhook;

        var apply = await api.KubectlWithInputAsync(Router(ns, "slow", "50ms"), "apply", "-f", "-");

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains("The ModelRouter \"slow\" is invalid: spec.backends[0].timeout: must be >= 100ms; got 50ms", apply.StdErr);
        var get = await api.KubectlAsync("get", "modelrouter", "slow", "-n", ns);
        Assert.NotEqual(0, get.ExitCode);
    }

    [ApiServerFact]
    public async Task KubectlApply_OfAValidRouter_IsAccepted_WithTheAbsentTiersDefaulted()
    {
        var (ns, webhook, registration) = await StartAsync();
        await using var _ = registration;
        await using var __ = webhook;

        var apply = await api.KubectlWithInputAsync(Router(ns, "chat", "30s"), "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        var stored = (JsonElement)await api.Client.CustomObjects.GetNamespacedCustomObjectAsync(KubeNames.Group, KubeNames.Version, ns, "modelrouters", "chat");
        var tiers = stored.GetProperty("spec").GetProperty("backends").EnumerateArray()
            .Select(b => (b.GetProperty("name").GetString(), b.GetProperty("tier").GetString()));
        Assert.Equal([("local", "local"), ("cloud", "cloud"), ("mock", "local"), ("pinned", "local")], tiers);
    }

    [ApiServerFact]
    public async Task AMalformedReview_PostedDirectly_Is400WithTheReason_AndTheServerKeepsServing()
    {
        var (ns, webhook, registration) = await StartAsync();
        await using var _ = registration;
        await using var __ = webhook;
        using var http = TestWebhook.TrustingClient(webhook.Certificates.Material!.CaPem);
        var path = webhook.BaseUrl + "/validate-inference-llmkube-dev-v1alpha1-modelrouter";

        using var garbage = await http.PostAsync(path, new StringContent("{\"request\": [not json", Encoding.UTF8, "application/json"));
        using var empty = await http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var body = JsonDocument.Parse(await garbage.Content.ReadAsStringAsync()).RootElement.GetProperty("response");
        Assert.False(body.GetProperty("allowed").GetBoolean());
        Assert.StartsWith("the body is not JSON", body.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var refused = await api.KubectlWithInputAsync(Router(ns, "after", "50ms"), "apply", "-f", "-");
        Assert.Contains("spec.backends[0].timeout", refused.StdErr);
    }
}
