using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Crds;

/// <summary>The InferenceService CRD in the real API server: defaults, what the schema and CEL rules refuse, the columns.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class InferenceServiceSchemaTests(ApiServerFixture api)
{
    private static string Service(string ns, string spec) => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: llama, namespace: {{ns}} }
        spec:
          modelRef: llama-model
        {{spec}}
        """;

    [ApiServerFact]
    public async Task Defaults_AreFilledIn_AndKubectlGetShowsTheColumns()
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await api.KubectlWithInputAsync(Service(ns, "  autoscaling: { maxReplicas: 3 }"), "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        var spec = await api.KubectlAsync("get", "isvc", "llama", "-n", ns, "-o", "jsonpath={.spec.runtime}/{.spec.replicas}/{.spec.autoscaling.minReplicas}");
        Assert.Equal("llamacpp/1/1", spec.StdOut.Trim());
        var wide = await api.KubectlAsync("get", "isvc", "-n", ns, "-o", "wide");
        Assert.Matches(@"NAME\s+PHASE\s+MODEL\s+REPLICAS\s+REASON\s+RUNTIME\s+ENDPOINT\s+AGE", wide.StdOut);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "  runtime: sglang", "spec.runtime: Unsupported value: \"sglang\"" },
        { "  replicas: 11", "spec.replicas in body should be less than or equal to 10" },
        { "  contextSize: 64", "spec.contextSize in body should be greater than or equal to 128" },
        { "  resources: { gpu: 9 }", "spec.resources.gpu in body should be less than or equal to 8" },
        { "  resources: { memory: 8 GB }", "spec.resources.memory in body should match" },
        { "  modelCache: { persistence: Ephemeral, claimName: cache }", "modelCache.claimName cannot be set with persistence Ephemeral" },
        { "  modelCache: { persistence: Cached }", "modelCache persistence Cached needs claimName" },
        { "  autoscaling: { minReplicas: 5, maxReplicas: 2 }", "autoscaling.minReplicas must not exceed maxReplicas" },
        { "  autoscaling: { maxReplicas: 2, metrics: [{ type: Pods, name: q }] }", "a Pods metric needs targetAverageValue" },
        { "  env: [{ name: A, value: x, valueFrom: { secretKeyRef: { name: s, key: k } } }]", "env: set value or valueFrom, not both" },
        { "  tolerations: [{ key: gpu, operator: Exists, value: x }]", "a toleration with operator Exists has no value" },
    };

    [ApiServerTheory]
    [MemberData(nameof(Refused))]
    public async Task AnInvalidSpec_IsRefused_WithTheRulesMessage(string spec, string expected)
    {
        var ns = await api.CreateNamespaceAsync("crd");
        var apply = await api.KubectlWithInputAsync(Service(ns, spec), "apply", "-f", "-");
        Assert.True(apply.ExitCode != 0, $"{spec}: accepted");
        Assert.Contains(expected, apply.StdErr);
    }
}
