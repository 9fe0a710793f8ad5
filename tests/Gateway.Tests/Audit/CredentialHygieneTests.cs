using System.Net;
using System.Text;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Audit;

/// <summary>
/// Credentials come only from Secrets or the environment and are never logged nor written
/// to audit lines; audit lines carry names, numbers and outcomes, never request bodies.
/// </summary>
public sealed class CredentialHygieneTests
{
    // Bounds a failing wait only; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SecretsClientKeysAndBodies_NeverReachLogsOrAuditLines()
    {
        var secret = "sk-upstream-secret-" + Guid.NewGuid().ToString("N");
        var clientKey = "sk-client-key-" + Guid.NewGuid().ToString("N");
        var marker = "BODY-MARKER-" + Guid.NewGuid().ToString("N");

        await using var ok = await FakeUpstream.StartAsync();
        await using var failing = await FakeUpstream.StartAsync();
        await using var streaming = await FakeUpstream.StartAsync();
        failing.Behavior = Behavior.Status(500, """{"error":{"message":"upstream exploded"}}""");
        streaming.Behavior = Behavior.Sse(3, TimeSpan.Zero);
        var closedPort = FakeUpstream.ReserveClosedPort();

        await using var host = await GatewayHost.StartAsync($$"""
            apiVersion: v1
            kind: Secret
            metadata: { name: openai, namespace: team }
            stringData:
              OPENAI_API_KEY: {{secret}}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: edge, namespace: team }
            spec:
              backends:
              - name: cloud-ok
                external: { provider: openai, url: "{{ok.BaseAddress}}", model: gpt-up, credentialsSecretRef: { name: openai } }
              - name: cloud-failing
                external: { provider: openai, url: "{{failing.BaseAddress}}", model: gpt-up, credentialsSecretRef: { name: openai } }
              - name: cloud-streaming
                external: { provider: openai, url: "{{streaming.BaseAddress}}", model: gpt-up, credentialsSecretRef: { name: openai } }
              - name: cloud-down
                external: { provider: openai, url: "http://127.0.0.1:{{closedPort}}", model: gpt-up, credentialsSecretRef: { name: openai } }
              rules:
              - name: failing
                match: { models: ["bad-*"] }
                route: { backends: [cloud-failing, cloud-down] }
              - name: streaming
                match: { models: ["stream-*"] }
                route: { backends: [cloud-streaming] }
              defaultRoute: cloud-ok
            """);

        string Body(string model, bool stream = false) =>
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{marker}} do not log me"}]}""";

        async Task<(HttpStatusCode Status, string Text)> SendAsync(string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", clientKey);
            using var response = await host.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var success = await SendAsync(Body("gpt-4o"));
        var allFailed = await SendAsync(Body("bad-1"));
        var stream = await SendAsync(Body("stream-1", stream: true));
        var malformed = await SendAsync($$"""{"model":"gpt-4o","messages":[{"content":"{{marker}}"}""");

        Assert.Equal(HttpStatusCode.OK, success.Status);
        Assert.Equal(HttpStatusCode.BadGateway, allFailed.Status);
        Assert.Equal(HttpStatusCode.OK, stream.Status);
        Assert.Contains("[DONE]", stream.Text);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);

        // The values were really in play: the upstreams got the secret and the body, never the client's key.
        var forwarded = ok.Requests.Concat(failing.Requests).Concat(streaming.Requests).ToList();
        Assert.Equal(3, forwarded.Count);
        Assert.All(forwarded, r =>
        {
            Assert.Equal($"Bearer {secret}", r.Header("authorization"));
            Assert.Contains(marker, r.BodyText);
            Assert.DoesNotContain(r.Headers, h => h.Value.Any(v => v.Contains(clientKey, StringComparison.Ordinal)));
        });

        var audit = await host.Audit.WaitForAsync(4, _patience);
        Assert.Equal(
            new string?[] { "ok", "all_backends_failed", "ok_stream", "invalid_request" },
            audit.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal(2, audit[1].GetProperty("attempts").GetArrayLength());

        // Errors the gateway writes to the client do not carry the credential either.
        Assert.DoesNotContain(secret, allFailed.Text);
        Assert.DoesNotContain(secret, malformed.Text);

        foreach (var line in host.Audit.Lines)
        {
            Assert.DoesNotContain(secret, line);
            Assert.DoesNotContain(clientKey, line);
            Assert.DoesNotContain(marker, line);
            Assert.DoesNotContain("do not log me", line);
        }
        var messages = host.Logs.Messages;
        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            Assert.DoesNotContain(secret, message);
            Assert.DoesNotContain(clientKey, message);
            Assert.DoesNotContain(marker, message);
        }
    }
}
