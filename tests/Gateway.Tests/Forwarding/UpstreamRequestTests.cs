using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Forwarding;

/// <summary>
/// What the upstream receives: header hygiene, provider credentials from a
/// Secret or the environment, <c>Connection: close</c> and fresh connections for the cloud tier, the
/// external <c>model</c> override, and the forwarded paths.
/// </summary>
public sealed class UpstreamRequestTests
{
    // Bounds a failing wait only; passing tests finish long before.
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    private const string LiteLlmKeyVariable = "LITELLM_MASTER_KEY";

    private static string Service(string name, int port) => RouterYaml.InferenceService(name, port, "team");

    private static string Secret(string name, string key, string value) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: { name: {{name}}, namespace: team }
        stringData:
          {{key}}: {{value}}
        ---

        """;

    /// <summary>A router whose <paramref name="backends"/> are YAML list items (indented by two spaces) and whose default route is <paramref name="defaultRoute"/>.</summary>
    private static string Router(string backends, string defaultRoute, string rules = "") => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: edge, namespace: team }
        spec:
          backends:
        {{backends}}
        {{rules}}
          defaultRoute: {{defaultRoute}}
        """;

    [Fact]
    public async Task ClientAuthorization_IsNeverForwarded_OtherHeadersAre()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Service("svc", upstream.Port) + Router("""
              - name: local
                inferenceServiceRef: { name: svc }
            """, "local"));

        using var request = Post("""{"model":"m"}""");
        request.Headers.Authorization = new("Bearer", "sk-client-key");
        request.Headers.Add("Proxy-Authorization", "Basic Y2xpZW50OnNlY3JldA==");
        request.Headers.Add("x-custom", "kept");
        request.Headers.Add("x-api-key", "client-anthropic-key");
        request.Headers.Add("api-key", "client-azure-key");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(upstream.Requests);
        Assert.Null(sent.Header("authorization"));
        Assert.Null(sent.Header("proxy-authorization"));
        Assert.Equal("kept", sent.Header("x-custom"));
        Assert.Null(sent.Header("x-api-key"));
        Assert.Null(sent.Header("api-key"));
        Assert.Equal($"127.0.0.1:{upstream.Port}", sent.Header("host")); // the destination's host, not the gateway's
        Assert.DoesNotContain(sent.Headers, h => h.Value.Any(v => v.Contains("sk-client-key", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenAIProvider_WithSecret_SendsBearerSecretInsteadOfTheClients()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Secret("openai", "OPENAI_API_KEY", "sk-openai-from-secret") + Router($$"""
              - name: cloud
                external:
                  provider: openai
                  url: {{upstream.BaseAddress}}
                  model: gpt-upstream
                  credentialsSecretRef: { name: openai }
            """, "cloud"));

        using var request = Post("""{"model":"gpt-4o"}""");
        request.Headers.Authorization = new("Bearer", "sk-client-key");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(upstream.Requests);
        Assert.Equal(["Bearer sk-openai-from-secret"], sent.Headers["authorization"]);
        Assert.Null(sent.Header("x-api-key"));
    }

    [Fact]
    public async Task AnthropicProvider_SendsApiKeyAndVersion_AndNoAuthorization()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Secret("anthropic", "ANTHROPIC_API_KEY", "sk-ant-from-secret") + Router($$"""
              - name: claude
                external:
                  provider: anthropic
                  url: {{upstream.BaseAddress}}
                  model: claude-upstream
                  credentialsSecretRef: { name: anthropic }
            """, "claude"));

        using var request = Post("""{"model":"claude"}""");
        request.Headers.Authorization = new("Bearer", "sk-client-key");
        request.Headers.Add("x-api-key", "client-api-key");
        request.Headers.Add("anthropic-version", "2020-01-01");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(upstream.Requests);
        Assert.Equal(["sk-ant-from-secret"], sent.Headers["x-api-key"]);
        Assert.Equal(["2023-06-01"], sent.Headers["anthropic-version"]);
        Assert.Null(sent.Header("authorization"));
    }

    [Fact]
    public async Task Credential_ComesFromTheEnvironment_WhenNoSecretHasTheKey()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var original = Environment.GetEnvironmentVariable(LiteLlmKeyVariable);
        var key = "sk-litellm-env-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(LiteLlmKeyVariable, key);
        try
        {
            // The Secret exists but holds another key: the provider's variable name is looked up in the environment.
            await using var host = await GatewayHost.StartAsync(Secret("litellm", "SOMETHING_ELSE", "not-this-one") + Router($$"""
                  - name: proxy
                    external:
                      provider: litellm
                      url: {{upstream.BaseAddress}}
                      model: team-model
                      credentialsSecretRef: { name: litellm }
                """, "proxy"));

            using var response = await host.Client.SendAsync(Post("""{"model":"m"}"""));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var sent = Assert.Single(upstream.Requests);
            Assert.Equal([$"Bearer {key}"], sent.Headers["authorization"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LiteLlmKeyVariable, original);
        }
    }

    [Fact]
    public async Task MissingCredential_FallsBackToNextBackend_WithoutQuarantine()
    {
        await using var cloud = await FakeUpstream.StartAsync();
        await using var local = await FakeUpstream.StartAsync();
        var original = Environment.GetEnvironmentVariable(LiteLlmKeyVariable);
        Environment.SetEnvironmentVariable(LiteLlmKeyVariable, null);
        try
        {
            await using var host = await GatewayHost.StartAsync(Service("svc", local.Port) + Router($$"""
                  - name: proxy
                    external:
                      provider: litellm
                      url: {{cloud.BaseAddress}}
                      model: team-model
                      credentialsSecretRef: { name: absent }
                  - name: local
                    inferenceServiceRef: { name: svc }
                """, "local", """
                  rules:
                  - name: all
                    route: { backends: [proxy, local] }
                """));

            using (var response = await host.Client.SendAsync(Post("""{"model":"m"}""")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.Equal(0, cloud.RequestCount);
            Assert.Equal(1, local.RequestCount);
            var first = (await host.Audit.WaitForAsync(1, _patience))[0];
            Assert.Equal("local", first.GetProperty("backend").GetString());
            var attempts = first.GetProperty("attempts");
            Assert.Equal(2, attempts.GetArrayLength());
            Assert.Equal("proxy", attempts[0].GetProperty("backend").GetString());
            Assert.Equal("credentials_missing", attempts[0].GetProperty("outcome").GetString());

            // Not quarantined: as soon as the credential exists, the very next request goes to the backend.
            Environment.SetEnvironmentVariable(LiteLlmKeyVariable, "sk-now-present");
            using (var response = await host.Client.SendAsync(Post("""{"model":"m"}""")))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.Equal(1, cloud.RequestCount);
            Assert.Equal("Bearer sk-now-present", cloud.Requests[0].Header("authorization"));
            var second = (await host.Audit.WaitForAsync(2, _patience))[1];
            Assert.Equal("proxy", second.GetProperty("backend").GetString());
            Assert.Single(second.GetProperty("attempts").EnumerateArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(LiteLlmKeyVariable, original);
        }
    }

    [Fact]
    public async Task CloudTier_SendsConnectionClose_AndOpensAConnectionPerRequest()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var relay = await CountingRelay.StartAsync(upstream.Port);
        await using var host = await GatewayHost.StartAsync(Router($$"""
              - name: cloud
                external:
                  provider: openai
                  url: http://127.0.0.1:{{relay.Port}}
                  model: gpt-upstream
            """, "cloud"));

        const int requests = 3;
        for (var i = 0; i < requests; i++)
        {
            using var response = await host.Client.SendAsync(Post("""{"model":"m"}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }

        Assert.Equal(requests, upstream.RequestCount);
        Assert.All(upstream.Requests, r => Assert.Equal("close", r.Header("connection"), ignoreCase: true));
        Assert.Equal(requests, relay.Connections);
        var audit = await host.Audit.WaitForAsync(requests, _patience);
        Assert.All(audit, l => Assert.Equal("cloud", l.GetProperty("backendTier").GetString()));
    }

    [Fact]
    public async Task LocalTier_KeepsTheConnectionAlive()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var relay = await CountingRelay.StartAsync(upstream.Port);
        await using var external = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Service("svc", relay.Port) + Router($$"""
              - name: local
                inferenceServiceRef: { name: svc }
              - name: lan
                tier: local
                external:
                  provider: openai
                  url: {{external.BaseAddress}}
                  model: lan-model
            """, "local", """
              rules:
              - name: lan
                match: { models: ["lan-*"] }
                route: { backends: [lan] }
            """));

        const int requests = 3;
        for (var i = 0; i < requests; i++)
        {
            using var response = await host.Client.SendAsync(Post("""{"model":"m"}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
            using var lan = await host.Client.SendAsync(Post("""{"model":"lan-1"}"""));
            Assert.Equal(HttpStatusCode.OK, lan.StatusCode);
            await lan.Content.ReadAsStringAsync();
        }

        Assert.Equal(requests, upstream.RequestCount);
        Assert.Equal(1, relay.Connections);
        Assert.All(upstream.Requests.Concat(external.Requests), r => Assert.Null(r.Header("connection")));
        Assert.Equal(requests, external.RequestCount);
        var audit = await host.Audit.WaitForAsync(2 * requests, _patience);
        Assert.All(audit, l => Assert.Equal("local", l.GetProperty("backendTier").GetString()));
    }

    [Fact]
    public async Task ExternalModelOverride_RewritesOnlyTheModel()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Router($$"""
              - name: cloud
                external:
                  provider: openai
                  url: {{upstream.BaseAddress}}
                  model: gpt-upstream
            """, "cloud"));

        const string body = """
            {
              "messages": [
                {"role": "system", "content": "You are \"helpful\".\nTabs\there, unicode é ✓ 😀, escaped \u00e9"},
                {"role": "user", "content": "the text \"model\":\"gpt-4o\" stays", "model": "nested-model-stays"}
              ],
              "model"  :  "gpt-4o",
              "temperature": 0.25,
              "max_tokens": 12345678901234,
              "stop": ["\n\n", "END"],
              "logit_bias": {"50256": -100},
              "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object", "properties": {"model": {"type": "string"}}}}},
              "user": null,
              "stream": false,
              "n": 1
            }
            """;
        using var response = await host.Client.SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonNode.Parse(Assert.Single(upstream.Requests).Body)!;
        var expected = JsonNode.Parse(body)!;
        expected["model"] = "gpt-upstream";
        Assert.True(JsonNode.DeepEquals(expected, sent), $"sent:\n{sent.ToJsonString()}\nexpected:\n{expected.ToJsonString()}");
        // The response is relayed as the upstream wrote it (no rewriting back to the client's model).
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("gpt-upstream", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task LocalFallback_AfterExternalAttempt_ReceivesTheClientsOriginalBody()
    {
        await using var cloud = await FakeUpstream.StartAsync();
        await using var local = await FakeUpstream.StartAsync();
        cloud.Behavior = Behavior.Status(500);
        await using var host = await GatewayHost.StartAsync(Service("svc", local.Port) + Router($$"""
              - name: cloud
                external:
                  provider: openai
                  url: {{cloud.BaseAddress}}
                  model: gpt-upstream
              - name: local
                inferenceServiceRef: { name: svc }
            """, "local", """
              rules:
              - name: gpt
                match: { models: ["gpt-*"] }
                route: { backends: [cloud, local] }
            """));

        const string body = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":0}""";
        using var response = await host.Client.SendAsync(Post(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt-upstream", JsonNode.Parse(Assert.Single(cloud.Requests).Body)!["model"]!.GetValue<string>());
        Assert.Equal(body, Assert.Single(local.Requests).BodyText);
        var audit = (await host.Audit.WaitForAsync(1, _patience))[0];
        Assert.Equal("local", audit.GetProperty("backend").GetString());
        Assert.Equal("gpt-4o", audit.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"m","input":["hello","world"]}""")]
    [InlineData("/v1/completions", """{"model":"m","prompt":"Once upon a time","max_tokens":5}""")]
    [InlineData("/v1/chat/completions", """{"model":"m","messages":[]}""")]
    public async Task OpenAIPaths_AreForwardedToTheSameUpstreamPath(string path, string body)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var prefixed = await FakeUpstream.StartAsync();
        await using var host = await GatewayHost.StartAsync(Service("svc", upstream.Port) + Router($$"""
              - name: local
                inferenceServiceRef: { name: svc }
              - name: azure
                tier: local
                external:
                  provider: openai
                  url: {{prefixed.BaseAddress}}openai/
                  model: ext-model
            """, "local", """
              rules:
              - name: ext
                match: { models: ["ext-*"] }
                route: { backends: [azure] }
            """));

        upstream.Behavior = Behavior.Json(200, """{"object":"ok"}""");
        using (var response = await host.Client.SendAsync(Post(body, path)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"object":"ok"}""", await response.Content.ReadAsStringAsync());
        }
        var sent = Assert.Single(upstream.Requests);
        Assert.Equal("POST", sent.Method);
        Assert.Equal(path, sent.Path);
        Assert.Equal(body, sent.BodyText);

        // A path in an external URL is kept as the prefix of the forwarded path.
        using (var response = await host.Client.SendAsync(Post(body.Replace("\"m\"", "\"ext-1\"", StringComparison.Ordinal), path)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal("/openai" + path, Assert.Single(prefixed.Requests).Path);
        var audit = await host.Audit.WaitForAsync(2, _patience);
        Assert.All(audit, l => Assert.Equal(path, l.GetProperty("path").GetString()));
    }

    private static HttpRequestMessage Post(string body, string path = "/v1/chat/completions") =>
        new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A TCP relay in front of an upstream that counts the connections the gateway opens.</summary>
    private sealed class CountingRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _target;
        private Task _accepting = Task.CompletedTask;
        private int _connections;

        private CountingRelay(int target) => _target = target;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public static Task<CountingRelay> StartAsync(int target)
        {
            var relay = new CountingRelay(target);
            relay._listener.Start();
            relay._accepting = relay.AcceptAsync();
            return Task.FromResult(relay);
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    _ = RelayAsync(client);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using var upstream = new TcpClient { NoDelay = true };
            using (client)
            {
                try
                {
                    await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                    await Task.WhenAll(
                        PumpAsync(client.GetStream(), upstream.Client, client, upstream),
                        PumpAsync(upstream.GetStream(), client.Client, client, upstream));
                }
                catch (Exception)
                {
                    // A reset on either side ends the pair.
                }
            }
        }

        private async Task PumpAsync(NetworkStream from, Socket to, TcpClient a, TcpClient b)
        {
            try
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                a.Dispose();
                b.Dispose();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
