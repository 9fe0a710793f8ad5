using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Resources;

public class ResourceLoaderTests
{
    private const string Router = """
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata:
          name: my-router
        spec:
          backends:
            - name: local
              inferenceServiceRef: {name: qwen}
          defaultRoute: local
        """;

    private static string[] Problems(ResourceLoadResult result) => [.. result.Problems.Select(p => p.ToString())];

    [Fact]
    public void LoadText_MultiDocument_LoadsRoutersServicesAndSecrets()
    {
        var yaml = $$"""
            # leading comment
            ---
            {{Router}}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata:
              name: qwen
              namespace: team
              labels: {app: qwen}
              creationTimestamp: "2025-01-01T00:00:00Z"
            spec:
              modelRef: qwen3
              runtime: llamacpp
              endpoint: {port: 8081, path: /v1/chat/completions}
              priority: high
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds, namespace: team}
            type: Opaque
            data:
              ANTHROPIC_API_KEY: c2stYW50
            stringData:
              OPENAI_API_KEY: sk-openai
            ---
            ---
            null
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: Model
            metadata: {name: qwen3}
            spec: {source: "https://example.com/q.gguf"}
            ---
            apiVersion: v1
            kind: ConfigMap
            data: {a: b}
            """;

        var result = ResourceLoader.LoadText(yaml, "all.yaml");

        Assert.Empty(Problems(result));
        Assert.Equal(["all.yaml:24:3: InferenceService team/qwen: spec.priority: unknown field"], result.Warnings.Select(w => w.ToString()));
        var router = Assert.Single(result.Resources.Routers);
        Assert.Equal("default/my-router", router.Key.ToString());
        Assert.Equal("local", router.Spec!.Backends![0].Name);
        Assert.Equal("qwen", router.Spec.Backends[0].InferenceServiceRef!.Name);
        var service = Assert.Single(result.Resources.InferenceServices);
        Assert.Equal("team/qwen", service.Key.ToString());
        Assert.Equal(8081, service.Spec!.Endpoint!.Port);
        Assert.Equal("qwen", service.Metadata.Labels!["app"]);
        var secret = Assert.Single(result.Resources.Secrets);
        Assert.Same(secret, result.Resources.FindSecret("team", "creds"));
        Assert.True(result.Resources.FindSecret("team", "creds")!.Values().TryGetValue("ANTHROPIC_API_KEY", out var anthropic));
        Assert.Equal("sk-ant", anthropic);
        Assert.True(result.Resources.FindSecret("team", "creds")!.Values().TryGetValue("OPENAI_API_KEY", out var openai));
        Assert.Equal("sk-openai", openai);
        Assert.False(result.Resources.FindSecret("team", "creds")?.Values().ContainsKey("MISSING") == true);
        Assert.False(result.Resources.FindSecret("default", "creds")?.Values().ContainsKey("OPENAI_API_KEY") == true);
    }

    [Fact]
    public void LoadText_TypeError_ReportsOriginalLineColumnAndPath_OtherDocumentsLoad()
    {
        var yaml = $$"""
            {{Router}}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata:
              name: qwen
            spec:
              endpoint:
                port: eighty
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data: [1, 2]
            """;

        var result = ResourceLoader.LoadText(yaml, "samples/a.yaml");

        Assert.Equal(
            [
                "samples/a.yaml:17:11: InferenceService default/qwen: spec.endpoint.port: invalid value \"eighty\"",
                "samples/a.yaml:22:7: Secret default/s: data: expected a mapping, got a sequence",
            ],
            Problems(result));
        Assert.Single(result.Resources.Routers);
        Assert.Empty(result.Resources.InferenceServices);
    }

    [Fact]
    public void LoadText_SyntaxError_ReportsLineAndResumesAtNextDocument()
    {
        var yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: first}
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: broken
             stringData: {}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: after}
            stringData:
              key: "unterminated
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: last}
            """;

        var result = ResourceLoader.LoadText(yaml, "s.yaml");

        Assert.Equal(2, result.Problems.Count);
        Assert.StartsWith("s.yaml:9:2: ", result.Problems[0].ToString());
        Assert.StartsWith("s.yaml:15:8: ", result.Problems[1].ToString());
        Assert.Equal(["first", "last"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void LoadText_MissingKindOrName_IsAProblem_UnknownKindIsIgnored()
    {
        var yaml = """
            apiVersion: v1
            metadata: {name: no-kind}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: {namespace: x}
            ---
            apiVersion: v1
            kind: Secret
            ---
            kind: SomethingElse
            ---
            - just
            - a list
            """;

        var result = ResourceLoader.LoadText(yaml, "k.yaml");

        Assert.Equal(
            [
                "k.yaml:1:1: kind: kind is required",
                "k.yaml:4:1: InferenceService: metadata.name: name is required",
                "k.yaml:8:1: Secret: metadata.name: name is required",
                "k.yaml:13:1: document is not a mapping (a Kubernetes object)",
            ],
            Problems(result));
    }

    [Fact]
    public void LoadText_WrongApiVersion_IsAProblem()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1beta1
            kind: ModelRouter
            metadata: {name: r}
            spec: {}
            ---
            apiVersion: v2
            kind: Secret
            metadata: {name: s}
            """;

        Assert.Equal(
            [
                "x.yaml:1:1: ModelRouter default/r: apiVersion: apiVersion \"inference.llmkube.dev/v1beta1\" is not supported for kind ModelRouter; expected \"inference.llmkube.dev/v1alpha1\"",
                "x.yaml:6:1: Secret default/s: apiVersion: apiVersion \"v2\" is not supported for kind Secret; expected \"v1\"",
            ],
            Problems(ResourceLoader.LoadText(yaml, "x.yaml")));
    }

    [Fact]
    public void LoadText_DuplicateObject_IsAProblem_FirstWins()
    {
        var yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            stringData: {k: first}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: default}
            stringData: {k: second}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s, namespace: other}
            """;

        var result = ResourceLoader.LoadText(yaml, "d.yaml");

        Assert.Equal(["d.yaml:6:1: Secret default/s: duplicate object; first defined at d.yaml:1:1"], Problems(result));
        Assert.Equal(2, result.Resources.Secrets.Count);
        Assert.True(result.Resources.FindSecret(null, "s")!.Values().TryGetValue("k", out var value));
        Assert.Equal("first", value);
    }

    [Fact]
    public void LoadText_InvalidRouter_IsLoaded_CompileErrorsNameItsSource()
    {
        var yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: my-router}
            spec:
              backends:
                - name: local
                  inferenceServiceRef: {name: qwen}
                - name: cloud-x
                  external: {provider: openai, model: gpt-5}
              rules:
                - name: general
                  route: {backends: [local]}
                - name: pii
                  match: {dataClassification: [pii]}
                  route: {backends: [cloud-x]}
                  failClosed: true
            """;

        var result = ResourceLoader.LoadText(yaml, "routers.yaml");
        var router = Assert.Single(result.Resources.Routers);
        var errors = RouterCompiler.Compile(router, result.Resources).Errors;

        Assert.Empty(result.Problems);
        Assert.Equal("routers.yaml", result.Resources.SourceOf(router));
        Assert.Equal(
            ["routers.yaml: ModelRouter default/my-router: spec.rules[1].route.backends[0]: backend \"cloud-x\" is tier cloud but rule \"pii\" matches sensitive data"],
            errors.Select(e => new ResourceProblem(result.Resources.SourceOf(router)!, $"ModelRouter {router.Key}", e.Path, e.Message).ToString()));
    }

    [Fact]
    public void LoadText_FieldsKubernetesWrites_AreAccepted_ListKindIsExpanded()
    {
        var yaml = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Secret
                metadata: {name: a, uid: "123", managedFields: [{manager: kubectl}]}
                immutable: true
              - apiVersion: v1
                kind: Secret
                metadata: {name: b}
            """;

        var result = ResourceLoader.LoadText(yaml, "list.yaml");

        Assert.Empty(result.Problems);
        Assert.Empty(result.Warnings);
        Assert.Equal(["a", "b"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void LoadText_Json_IsAccepted()
    {
        var json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Secret\",\n\t\"metadata\": {\"name\": \"j\"},\n\t\"stringData\": {\"k\": \"v\"}\n}\n";

        var result = ResourceLoader.LoadText(json, "s.json");

        Assert.Empty(result.Problems);
        Assert.NotNull(result.Resources.FindSecret("default", "j"));
    }

    [Fact]
    public void LoadText_EmptyText_LoadsNothing()
    {
        var result = ResourceLoader.LoadText("", "empty.yaml");

        Assert.True(result.Succeeded);
        Assert.Empty(result.Resources.Routers);
    }

    [Fact]
    public void ResourceProblem_ToString_OmitsEmptyParts()
    {
        Assert.Equal("a.yaml: no such file or directory", new ResourceProblem("a.yaml", null, "", "no such file or directory").ToString());
        Assert.Equal("a.yaml:3:1: ModelRouter team/r: spec: bad", new ResourceProblem("a.yaml:3:1", "ModelRouter team/r", "spec", "bad").ToString());
    }
}
