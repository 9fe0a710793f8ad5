using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;
using LLMKube.Grains.Tests.Validation;

namespace LLMKube.Grains.Tests.Routing;

public class RouterCompilerTests
{
    // A typical router (two local services, a cloud provider, a PII rule), written as the objects a user would apply.
    private const string ExampleYaml = """
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata:
          name: qwen3-coder
          namespace: team
        spec:
          modelRef: qwen3-coder
          endpoint:
            port: 8081
        status:
          endpoint: http://qwen3-coder.team.svc.cluster.local:8080/v1/chat/completions
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: anthropic-creds
          namespace: team
        stringData:
          ANTHROPIC_API_KEY: sk-test
        ---
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata:
          name: my-router
          namespace: team
        spec:
          backends:
            - name: local-qwen
              inferenceServiceRef:
                name: qwen3-coder
              capabilities: [code, tools]
            - name: cloud-opus
              tier: cloud
              displayName: opus
              external:
                provider: anthropic
                model: claude-opus-4-7
                credentialsSecretRef:
                  name: anthropic-creds
              timeout: 3m
          rules:
            - name: pii-stays-local
              match:
                dataClassification: [pii]
              route:
                backends: [local-qwen]
                strategy: primary-fallback
              failClosed: true
              timeout: 7s
            - name: complex-to-cloud
              match:
                taskComplexity: complex
                headers:
                  X-Team: ml
                models: ["claude-*"]
                requiredCapabilities: [tools]
              route:
                backends: [cloud-opus, local-qwen]
          defaultRoute: local-qwen
          defaultRouteStrategy: Static
          policy:
            classification:
              mode: header-only
              headerKey: " X-Data-Class "
          proxy:
            quarantineDuration: 30s
            responseHeaderTimeout: 1m30s
            streamIdleTimeout: 20s
        """;

    private static ResourceSet Example(out ModelRouter router)
    {
        var loaded = ResourceLoader.LoadText(ExampleYaml, "example.yaml");
        Assert.Empty(loaded.Problems);
        router = loaded.Resources.FindRouter("team", "my-router")!;
        return loaded.Resources;
    }

    private static RouterConfig CompileOk(ModelRouter router, ResourceSet? resources = null)
    {
        var result = RouterCompiler.Compile(router, resources ?? new ResourceSet(inferenceServices: [Service("qwen3-coder")]));
        Assert.Empty(result.Errors);
        Assert.True(result.Succeeded);
        return result.Config;
    }

    private static InferenceService Service(string name, string ns = "team", int? port = null, string? statusEndpoint = null) => new()
    {
        ApiVersion = KubeObject.LLMKubeApiVersion,
        Kind = InferenceService.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = port is null ? null : new InferenceServiceSpec { Endpoint = new EndpointSpec { Port = port } },
        Status = statusEndpoint is null ? null : new InferenceServiceStatus { Endpoint = statusEndpoint },
    };

    [Fact]
    public void Compile_FullExample_ProducesEveryField()
    {
        var resources = Example(out var router);

        var config = CompileOk(router, resources);

        Assert.Equal("team/my-router", config.Router.ToString());
        Assert.Matches("^[0-9a-f]{64}$", config.SpecHash);
        Assert.Equal(2, config.Backends.Length);

        var local = config.Backends[0];
        Assert.Equal("local-qwen", local.Name);
        Assert.Equal("local-qwen", local.PublishedId);
        Assert.Equal(BackendTier.Local, local.Tier);
        Assert.Equal("http://qwen3-coder.team.svc.cluster.local:8080", local.Address);
        Assert.Null(local.Provider);
        Assert.Null(local.UpstreamModel);
        Assert.Equal(["code", "tools"], local.Capabilities);
        Assert.Equal(1, local.Weight);
        Assert.Null(local.Credential);
        Assert.Null(local.Timeout);
        Assert.Equal("team/qwen3-coder", local.InferenceService);
        Assert.Null(local.DisplayName);
        Assert.Equal("local-qwen", local.ModelsId);

        var cloud = config.Backends[1];
        Assert.Equal("cloud-opus", cloud.Name);
        Assert.Equal("opus", cloud.PublishedId);
        Assert.Equal(BackendTier.Cloud, cloud.Tier);
        Assert.Equal("https://api.anthropic.com", cloud.Address);
        Assert.Equal("anthropic", cloud.Provider);
        Assert.Equal("claude-opus-4-7", cloud.UpstreamModel);
        Assert.Empty(cloud.Capabilities);
        Assert.Equal(1, cloud.Weight);
        Assert.Equal(("anthropic-creds", "ANTHROPIC_API_KEY", "sk-test"), (cloud.Credential!.SecretName, cloud.Credential.Key, cloud.Credential.Value?.Reveal()));
        Assert.Equal(TimeSpan.FromMinutes(3), cloud.Timeout);
        Assert.Null(cloud.InferenceService);
        Assert.Equal("opus", cloud.DisplayName);

        Assert.Equal(2, config.Rules.Length);
        var pii = config.Rules[0];
        Assert.Equal("pii-stays-local", pii.Name);
        Assert.Equal(["pii"], pii.DataClassification);
        Assert.Null(pii.TaskComplexity);
        Assert.Empty(pii.RequiredCapabilities);
        Assert.Empty(pii.Headers);
        Assert.Empty(pii.Models);
        Assert.Equal(["local-qwen"], pii.Backends);
        Assert.Equal(RouteStrategy.PrimaryFallback, pii.Strategy);
        Assert.True(pii.FailClosed);
        Assert.Equal(TimeSpan.FromSeconds(7), pii.Timeout);

        var complex = config.Rules[1];
        Assert.Equal("complex-to-cloud", complex.Name);
        Assert.Empty(complex.DataClassification);
        Assert.Equal("complex", complex.TaskComplexity);
        Assert.Equal(["tools"], complex.RequiredCapabilities);
        Assert.Equal([new HeaderCondition("x-team", "ml")], complex.Headers);
        Assert.Equal(["claude-*"], complex.Models);
        Assert.Equal(["cloud-opus", "local-qwen"], complex.Backends);
        Assert.Equal(RouteStrategy.PrimaryFallback, complex.Strategy);
        Assert.False(complex.FailClosed);
        Assert.Null(complex.Timeout);

        Assert.Equal("local-qwen", config.DefaultRoute);
        Assert.False(config.BackendNameMatch);
        Assert.Equal("x-data-class", config.ClassificationHeader);
        Assert.Equal(["pii", "phi"], config.SensitiveClassifications);
        Assert.Equal(new RouterTimers(
            ResponseHeaderTimeout: TimeSpan.FromSeconds(90),
            ConnectTimeout: TimeSpan.FromSeconds(5),
            StreamIdleTimeout: TimeSpan.FromSeconds(20),
            MaxStreamDuration: null,
            QuarantineDuration: TimeSpan.FromSeconds(30)), config.Timers);
    }

    [Fact]
    public void Compile_InvalidSpec_ReturnsValidationErrorsAndNoConfig()
    {
        var result = RouterCompiler.Compile(TestRouters.With(s => s.DefaultRoute = "ghost"), ResourceSet.Empty);

        Assert.False(result.Succeeded);
        Assert.Null(result.Config);
        Assert.Equal(["spec.defaultRoute: references undefined backend \"ghost\""], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Compile_MissingInferenceService_ReportsEachAtItsRef()
    {
        var router = TestRouters.With(s => s.Backends!.Add(new RouterBackend { Name = "other", InferenceServiceRef = new() { Name = "llama" } }));
        var wrongNamespace = new ResourceSet(inferenceServices: [Service("qwen3-coder", ns: "default")]);

        var result = RouterCompiler.Compile(router, wrongNamespace);

        Assert.Null(result.Config);
        Assert.Equal(
            [
                "spec.backends[0].inferenceServiceRef.name: InferenceService \"team/qwen3-coder\" not found",
                "spec.backends[2].inferenceServiceRef.name: InferenceService \"team/llama\" not found",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080")]
    [InlineData(8081, null, "http://127.0.0.1:8081")]
    [InlineData(8081, "http://10.0.0.7:9000/v1/chat/completions", "http://10.0.0.7:9000")]
    [InlineData(null, "https://mac-studio.lan/v1/chat/completions", "https://mac-studio.lan:443")]
    public void Compile_InferenceServiceAddress_FromStatusElseThisMachine(int? port, string? statusEndpoint, string expected)
    {
        var config = CompileOk(TestRouters.Valid(), new ResourceSet(inferenceServices: [Service("qwen3-coder", port: port, statusEndpoint: statusEndpoint)]));

        Assert.Equal(expected, config.Backends[0].Address);
    }

    [Fact]
    public void Compile_InferenceServiceWithInvalidStatusEndpoint_IsAnError()
    {
        var result = RouterCompiler.Compile(TestRouters.Valid(), new ResourceSet(inferenceServices: [Service("qwen3-coder", statusEndpoint: "not a url")]));

        Assert.Equal(
            ["spec.backends[0].inferenceServiceRef.name: InferenceService \"team/qwen3-coder\" has an invalid status.endpoint \"not a url\""],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("anthropic", null, "https://api.anthropic.com")]
    [InlineData("openai", null, "https://api.openai.com")]
    [InlineData("openai", "https://proxy.example.com/openai/", "https://proxy.example.com/openai")]
    [InlineData("litellm", "http://litellm:4000//", "http://litellm:4000")]
    [InlineData("bedrock", "https://bedrock-gw.example.com", "https://bedrock-gw.example.com")]
    public void Compile_ExternalAddress_UrlElseProviderDefault(string provider, string? url, string expected)
    {
        var config = CompileOk(TestRouters.With(s =>
        {
            s.Backends![1].External!.Provider = provider;
            s.Backends[1].External!.Url = url;
        }));

        Assert.Equal(expected, config.Backends[1].Address);
        Assert.Equal(provider, config.Backends[1].Provider);
    }

    [Theory]
    [InlineData("anthropic", "ANTHROPIC_API_KEY")]
    [InlineData("openai", "OPENAI_API_KEY")]
    [InlineData("litellm", "LITELLM_MASTER_KEY")]
    [InlineData("bedrock", "AWS_ACCESS_KEY_ID")]
    [InlineData("vertex_ai", "GOOGLE_APPLICATION_CREDENTIALS")]
    public void Compile_CredentialsSecretRef_BecomesCredentialRefWithProviderVariable(string provider, string variable)
    {
        var config = CompileOk(TestRouters.With(s =>
        {
            s.Backends![1].External = new ExternalProvider
            {
                Provider = provider,
                Model = "m",
                Url = "https://upstream.example.com",
                CredentialsSecretRef = new LocalObjectReference { Name = "creds" },
            };
        }));

        Assert.Equal(new CredentialRef("creds", variable), config.Backends[1].Credential);
        Assert.Equal(variable, ProviderDefaults.CredentialEnvVar(provider));
    }

    [Fact]
    public void Compile_WithoutCredentialsSecretRef_HasNoCredential()
    {
        Assert.Null(CompileOk(TestRouters.Valid()).Backends[1].Credential);
    }

    [Fact]
    public void Compile_ExternalWithoutTier_IsCloud_AndWeightDisplayNameApply()
    {
        var config = CompileOk(TestRouters.With(s =>
        {
            s.Backends![1].Tier = null;
            s.Backends[1].Weight = 3;
            s.Backends[0].DisplayName = "qwen";
            s.Backends[0].Timeout = "100ms";
        }));

        Assert.Equal(BackendTier.Cloud, config.Backends[1].Tier);
        Assert.Equal(3, config.Backends[1].Weight);
        Assert.Equal("qwen", config.Backends[0].PublishedId);
        Assert.Equal("qwen", config.Backends[0].ModelsId);
        Assert.Equal("claude-opus-4-7", config.Backends[1].ModelsId);
        Assert.Equal(TimeSpan.FromMilliseconds(100), config.Backends[0].Timeout);
    }

    [Theory]
    [InlineData(null, RouteStrategy.PrimaryFallback)]
    [InlineData("", RouteStrategy.PrimaryFallback)]
    [InlineData("primary-fallback", RouteStrategy.PrimaryFallback)]
    [InlineData("weighted", RouteStrategy.Weighted)]
    [InlineData("shadow", RouteStrategy.Shadow)]
    public void Compile_RouteStrategy(string? strategy, RouteStrategy expected)
    {
        var config = CompileOk(TestRouters.With(s => s.Rules![1].Route!.Strategy = strategy));

        Assert.Equal(expected, config.Rules[1].Strategy);
    }

    [Fact]
    public void Compile_DefaultsWhenPolicyAndProxyAreAbsent()
    {
        var config = CompileOk(TestRouters.With(s =>
        {
            s.DefaultRoute = null;
            s.DefaultRouteStrategy = "BackendNameMatch";
        }));

        Assert.Null(config.DefaultRoute);
        Assert.True(config.BackendNameMatch);
        Assert.Equal("x-llmkube-classification", config.ClassificationHeader);
        Assert.Equal(["pii", "phi"], config.SensitiveClassifications);
        Assert.Equal(RouterTimers.Default, config.Timers);
    }

    [Fact]
    public void Compile_ConfiguredPolicyAndTimers()
    {
        var config = CompileOk(TestRouters.With(s =>
        {
            s.Policy = new RouterPolicy
            {
                Classification = new ClassificationPolicy { HeaderKey = "   ", SensitiveClassifications = ["pii", "secret"] },
            };
            s.Proxy = new RouterProxySpec
            {
                ResponseHeaderTimeout = "45s",
                ConnectTimeout = "2s",
                StreamIdleTimeout = "15s",
                MaxStreamDuration = "10m",
                QuarantineDuration = "1m",
            };
        }));

        Assert.Equal("x-llmkube-classification", config.ClassificationHeader);
        Assert.Equal(["pii", "secret"], config.SensitiveClassifications);
        Assert.Equal(
            new RouterTimers(TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1)),
            config.Timers);
    }

    [Fact]
    public void SpecHash_IsDeterministicAndIgnoresMapOrder()
    {
        var first = CompileOk(TestRouters.With(s => s.Rules![1].Match!.Headers = new() { ["a"] = "1", ["b"] = "2" }));
        var second = CompileOk(TestRouters.With(s => s.Rules![1].Match!.Headers = new() { ["b"] = "2", ["a"] = "1" }));

        Assert.Equal(first.SpecHash, second.SpecHash);
    }

    [Fact]
    public void SpecHash_ChangesWithSpecAndWithResolvedAddress()
    {
        var baseline = CompileOk(TestRouters.Valid()).SpecHash;
        var otherSpec = CompileOk(TestRouters.With(s => s.Rules![1].Timeout = "10s")).SpecHash;
        var otherAddress = CompileOk(TestRouters.Valid(), new ResourceSet(inferenceServices: [Service("qwen3-coder", port: 9999)])).SpecHash;

        Assert.NotEqual(baseline, otherSpec);
        Assert.NotEqual(baseline, otherAddress);
        Assert.NotEqual(otherSpec, otherAddress);
    }

    [Fact]
    public void ProviderDefaults_Table()
    {
        Assert.Equal(["anthropic", "openai", "bedrock", "vertex_ai", "litellm", "mock"], ProviderDefaults.All);
        Assert.Equal("https://api.anthropic.com", ProviderDefaults.DefaultUrl("anthropic"));
        Assert.Equal("https://api.openai.com", ProviderDefaults.DefaultUrl("openai"));
        Assert.Null(ProviderDefaults.DefaultUrl("litellm"));
        Assert.Null(ProviderDefaults.DefaultUrl("bedrock"));
        Assert.Null(ProviderDefaults.DefaultUrl("vertex_ai"));
        Assert.Equal("http://mock.llmkube.invalid", ProviderDefaults.DefaultUrl("mock"));
        Assert.Null(ProviderDefaults.CredentialEnvVar("azure"));
        Assert.Null(ProviderDefaults.CredentialEnvVar("mock"));
        Assert.False(ProviderDefaults.IsKnown("Anthropic"));
    }
}
