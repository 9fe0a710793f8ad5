using System.ClientModel;
using System.Text;
using LLMKube.Gateway.Tests.Fixtures;
using OpenAI;
using OpenAI.Chat;

namespace LLMKube.Gateway.Tests.EndToEnd;

/// <summary>Drives the real gateway process end to end with the official OpenAI .NET SDK.</summary>
public sealed class StandaloneProcessTests
{
    private static string Resources(FakeUpstream upstream) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: qwen, namespace: team }
        spec:
          modelRef: qwen
          endpoint: { port: {{upstream.Port}} }
        ---
        apiVersion: v1
        kind: Secret
        metadata: { name: openai, namespace: team }
        stringData:
          OPENAI_API_KEY: sk-upstream-secret-value
        ---
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: edge, namespace: team }
        spec:
          backends:
          - name: local-qwen
            inferenceServiceRef: { name: qwen }
          - name: cloud
            tier: cloud
            external:
              provider: openai
              url: {{upstream.BaseAddress}}
              model: gpt-upstream
              credentialsSecretRef: { name: openai }
          rules:
          - name: pii
            match: { dataClassification: [pii] }
            route: { backends: [local-qwen] }
            failClosed: true
          - name: cloud-models
            match: { models: ["gpt-*"] }
            route: { backends: [cloud, local-qwen] }
          defaultRoute: local-qwen
        """;

    [Fact]
    public async Task OpenAISdk_ChatAndStreaming_RoutedThroughTheStandaloneProcess()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("llmkube-e2e-");
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "router.yaml"), Resources(upstream));
        await using var gateway = await ServiceProcess.GatewayAsync(["--standalone", "--resources", dir.FullName]);

        var client = new OpenAIClient(new ApiKeyCredential("sk-client-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "/v1") });

        // Default route to the local InferenceService.
        upstream.Behavior = Behavior.Json();
        ChatCompletion local = await client.GetChatClient("qwen3").CompleteChatAsync([new UserChatMessage("hello")]);
        Assert.Equal("qwen3", local.Model);
        Assert.NotEmpty(local.Content[0].Text);

        // A glob rule to the cloud backend: model overridden, provider credential injected, client key dropped.
        ChatCompletion cloud = await client.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]);
        Assert.Equal("gpt-upstream", cloud.Model);
        var sent = upstream.Requests[^1];
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal("Bearer sk-upstream-secret-value", sent.Headers["authorization"][0]);
        Assert.DoesNotContain(upstream.Requests, r => r.Headers.TryGetValue("authorization", out var v) && v[0]!.Contains("sk-client-key"));

        // Streaming, chunk by chunk.
        upstream.Behavior = Behavior.Sse(5, TimeSpan.FromMilliseconds(20));
        var text = new StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.GetChatClient("qwen3").CompleteChatStreamingAsync([new UserChatMessage("stream please")]))
        {
            updates++;
            usage = update.Usage ?? usage;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }
        // The SDK asks for the stream's usage: five chunks, then the usage chunk.
        Assert.Equal(6, updates);
        Assert.Equal(5, usage?.OutputTokenCount);
        Assert.NotEmpty(text.ToString());

        // The audit lines are on stdout, one per request, without any credential.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (CountAudit(gateway.Stdout) < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(3, CountAudit(gateway.Stdout));
        Assert.Contains("\"outcome\":\"ok_stream\"", gateway.Stdout);
        Assert.DoesNotContain("sk-upstream-secret-value", gateway.Stdout + gateway.Stderr);
        Assert.DoesNotContain("sk-client-key", gateway.Stdout + gateway.Stderr);
    }

    [Fact]
    public async Task OpenAISdk_FailClosedAndErrors_SurfaceAsApiErrors()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var dir = Directory.CreateTempSubdirectory("llmkube-e2e-");
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "router.yaml"), Resources(upstream));
        await upstream.StopAsync(); // every backend refuses
        await using var gateway = await ServiceProcess.GatewayAsync(["--resources", dir.FullName]);

        var options = new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromSeconds(20) };
        options.RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0);
        var chat = new OpenAIClient(new ApiKeyCredential("sk-client-key"), options).GetChatClient("qwen3");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(502, error.Status);
        Assert.Contains("all backends failed", error.Message);
    }

    [Fact]
    public async Task InvalidResources_RefusedAtStartWithOneLinePerProblem()
    {
        var dir = Directory.CreateTempSubdirectory("llmkube-e2e-");
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "router.yaml"), """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: bad }
            spec:
              backends:
              - name: cloud-x
                external: { provider: openai, model: gpt-4o }
              rules:
              - name: pii
                match: { dataClassification: [pii] }
                route: { backends: [cloud-x, nowhere] }
            """);
        await using var gateway = await ServiceProcess.GatewayAsync(["--standalone", "--resources", dir.FullName], waitReady: false);
        Assert.True(await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the gateway should refuse to start");
        Assert.NotEqual(0, gateway.ExitCode);
        var errors = gateway.Stderr;
        Assert.Contains("spec.rules[0].failClosed", errors);
        Assert.Contains("spec.rules[0].route.backends[0]: backend \"cloud-x\" is tier cloud but rule \"pii\" matches sensitive data", errors);
        Assert.Contains("spec.rules[0].route.backends[1]", errors);
    }

    private static int CountAudit(string stdout) => stdout.Split('\n').Count(l => l.Contains("\"msg\":\"router.dispatch\""));
}
