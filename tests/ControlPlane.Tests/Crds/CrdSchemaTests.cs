using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Crds;

/// <summary>The generated CRDs in the real API server: what the schema and the CEL rules refuse, and the columns.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class CrdSchemaTests(ApiServerFixture api)
{
    private static string Router(string ns, string backends, string rules, string extra = "") => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: { name: r, namespace: {{ns}} }
        spec:
          backends:
        {{backends}}
          rules:
        {{rules}}
        {{extra}}
        """;

    private const string LocalAndCloud = """
          - name: local
            inferenceServiceRef: { name: llama }
          - name: cloud
            external: { provider: openai, model: gpt-4o }
        """;

    [ApiServerFact]
    public async Task AValidRouter_Applies_AndKubectlGetShowsItsColumns()
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await ApplyAsync(Router(ns, LocalAndCloud, """
              - name: pii
                match: { dataClassification: [pii] }
                route: { backends: [local] }
                failClosed: true
              - name: rest
                route: { backends: [cloud, local] }
            """, "  defaultRoute: local\n  proxy: { replicas: 3, connectTimeout: 2s }"));
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        var get = await api.KubectlAsync("get", "mr", "-n", ns);
        Assert.Equal(0, get.ExitCode);
        Assert.Matches(@"NAME\s+PHASE\s+ENDPOINT\s+RULES\s+AGE", get.StdOut);
        var wide = await api.KubectlAsync("get", "modelrouter", "r", "-n", ns, "-o", "wide");
        Assert.Contains("REPLICAS", wide.StdOut);
    }

    public static TheoryData<string, string, string, string> Refused => new()
    {
        {
            "pii to a cloud backend",
            LocalAndCloud,
            "  - name: pii\n    match: { dataClassification: [pii] }\n    route: { backends: [cloud] }\n    failClosed: true",
            "may route only to tier: local backends"
        },
        {
            "pii without failClosed",
            LocalAndCloud,
            "  - name: pii\n    match: { dataClassification: [pii] }\n    route: { backends: [local] }",
            "must set failClosed: true"
        },
        {
            "both inferenceServiceRef and external",
            "  - name: both\n    inferenceServiceRef: { name: x }\n    external: { provider: openai, model: m }",
            "  - name: all\n    route: { backends: [both] }",
            "exactly one of inferenceServiceRef or external must be set"
        },
        {
            "neither inferenceServiceRef nor external",
            "  - name: none",
            "  - name: all\n    route: { backends: [none] }",
            "exactly one of inferenceServiceRef or external must be set"
        },
        {
            "a route naming no backend",
            LocalAndCloud,
            "  - name: all\n    route: { backends: [nowhere] }",
            "must name a backend in spec.backends"
        },
        {
            "a bad duration",
            "  - name: local\n    inferenceServiceRef: { name: llama }\n    timeout: 10 seconds",
            "  - name: all\n    route: { backends: [local] }",
            "spec.backends[0].timeout"
        },
        {
            "a bad provider",
            "  - name: c\n    external: { provider: opneai, model: m }",
            "  - name: all\n    route: { backends: [c] }",
            "spec.backends[0].external.provider: Unsupported value: \"opneai\""
        },
    };

    [ApiServerTheory]
    [MemberData(nameof(Refused))]
    public async Task AnInvalidRouter_IsRefused_WithTheRulesMessage(string what, string backends, string rules, string expected)
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await ApplyAsync(Router(ns, backends, rules));
        Assert.True(apply.ExitCode != 0, $"{what}: accepted");
        Assert.Contains(expected, apply.StdErr);
    }

    [ApiServerTheory]
    [InlineData("  defaultRoute: nowhere", "spec.defaultRoute must name a backend")]
    [InlineData("  proxy: { replicas: 11 }", "spec.proxy.replicas: Invalid value: 11: spec.proxy.replicas in body should be less than or equal to 10")]
    [InlineData("  proxy: { replicas: 0 }", "spec.proxy.replicas in body should be greater than or equal to 1")]
    public async Task OutOfBoundsFields_AreRefused_WithTheirPath(string extra, string expected)
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await ApplyAsync(Router(ns, LocalAndCloud, "  - name: all\n    route: { backends: [local] }", extra));
        Assert.True(apply.ExitCode != 0, "accepted");
        Assert.Contains(expected, apply.StdErr);
    }

    [ApiServerFact]
    public async Task InferenceServices_HaveTheScaleSubresource()
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: { name: llama, namespace: {{ns}} }
            spec: { modelRef: llama-model, replicas: 1 }
            """, "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);
        var scale = await api.KubectlAsync("scale", "isvc/llama", "-n", ns, "--replicas=3");
        Assert.True(scale.ExitCode == 0, scale.StdErr);
        var replicas = await api.KubectlAsync("get", "isvc", "llama", "-n", ns, "-o", "jsonpath={.spec.replicas}");
        Assert.Equal("3", replicas.StdOut.Trim());
    }

    private Task<ProcessResult> ApplyAsync(string yaml) => api.KubectlWithInputAsync(yaml, "apply", "-f", "-");
}
