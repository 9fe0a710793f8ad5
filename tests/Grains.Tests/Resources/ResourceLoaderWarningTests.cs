using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

/// <summary>Unknown fields are warnings with their path, as with kubectl's strict field validation; they never refuse a load.</summary>
public class ResourceLoaderWarningTests
{
    private static string[] Warnings(ResourceLoadResult result) => [.. result.Warnings.Select(w => w.ToString())];

    [Fact]
    public void UnknownFields_InARouter_AreWarnedWithPathAndPosition_AndTheRouterLoads()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata:
              name: r
            spec:
              backends:
                - name: local
                  inferenceServiceRef: {name: qwen}
                  timeuot: 30s
                  healthCheck:
                    path: /health
                    intervalSecond: 5
              rules:
                - name: all
                  match: {header: {x-team: ml}}
                  route: {backends: [local], stratgy: weighted}
              proxy:
                quarantine: 10s
            specs: {}
            """;

        var result = ResourceLoader.LoadText(yaml, "router.yaml");

        Assert.Empty(result.Problems);
        Assert.Single(result.Resources.Routers);
        Assert.Equal(
            [
                "router.yaml:9:7: ModelRouter default/r: spec.backends[0].timeuot: unknown field",
                "router.yaml:12:9: ModelRouter default/r: spec.backends[0].healthCheck.intervalSecond: unknown field",
                "router.yaml:15:15: ModelRouter default/r: spec.rules[0].match.header: unknown field",
                "router.yaml:16:34: ModelRouter default/r: spec.rules[0].route.stratgy: unknown field",
                "router.yaml:18:5: ModelRouter default/r: spec.proxy.quarantine: unknown field",
                "router.yaml:19:1: ModelRouter default/r: specs: unknown field",
            ],
            Warnings(result));
    }

    [Fact]
    public void MapKeys_KubernetesMetadata_AndStatus_AreNotWarned()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata:
              name: r
              namespace: team
              uid: 6f1c
              resourceVersion: "42"
              generation: 3
              creationTimestamp: "2025-01-01T00:00:00Z"
              deletionTimestamp: null
              deletionGracePeriodSeconds: 30
              generateName: r-
              finalizers: [llmkube.dev/cleanup]
              ownerReferences: [{apiVersion: v1, kind: Thing, name: t, uid: u}]
              managedFields: [{manager: kubectl, fieldsV1: {"f:spec": {}}}]
              selfLink: /apis/x
              labels: {app.kubernetes.io/name: r, anything: goes}
              annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
            spec:
              backends:
                - name: local
                  inferenceServiceRef: {name: qwen}
              rules:
                - name: all
                  match: {headers: {X-Any-Header: v}}
                  route: {backends: [local]}
              proxy:
                resources: {limits: {cpu: "1", nvidia.com/gpu: 1}}
                nodeSelector: {kubernetes.io/os: linux}
            status:
              conditions: [{type: Ready, status: "True"}]
              backends: [{name: local, healthy: true}]
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: {name: qwen, namespace: team}
            status:
              phase: Ready
              endpoint: http://10.0.0.1:8080
              conditions: [{type: Available}]
              observedGeneration: 2
            """;

        var result = ResourceLoader.LoadText(yaml, "k.yaml");

        Assert.Empty(result.Problems);
        Assert.Empty(result.Warnings);
        Assert.Equal("http://10.0.0.1:8080", result.Resources.InferenceServices[0].Status!.Endpoint);
    }

    [Fact]
    public void Status_IsStillCheckedForShape()
    {
        var yaml = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: InferenceService\nmetadata: {name: q}\nstatus: {endpoint: [a]}\n";

        Assert.Equal(
            ["s.yaml:4:20: InferenceService default/q: status.endpoint: expected a scalar, got a sequence"],
            ResourceLoader.LoadText(yaml, "s.yaml").Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void InferenceService_UnknownSpecField_IsWarned()
    {
        var yaml = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: InferenceService\nmetadata: {name: q}\nspec:\n  endpoint: {port: 8081, prot: 1}\n";

        Assert.Equal(
            ["i.yaml:5:26: InferenceService default/q: spec.endpoint.prot: unknown field"],
            Warnings(ResourceLoader.LoadText(yaml, "i.yaml")));
    }

    [Fact]
    public void Secret_KnowsDataStringDataTypeImmutable_AndNeverEchoesValues()
    {
        var yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            type: Opaque
            immutable: true
            data: {A: c2s=}
            stringData: {B: sk-visible}
            stringdata: {OPENAI_API_KEY: sk-hidden}
            """;

        var result = ResourceLoader.LoadText(yaml, "s.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(["s.yaml:8:1: Secret default/s: stringdata: unknown field"], Warnings(result));
        Assert.DoesNotContain(result.Warnings, w => w.ToString().Contains("sk-", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateField_IsWarned_TheLastValueIsUsed()
    {
        var yaml = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: first, k: second}\ntype: a\ntype: b\n";

        var result = ResourceLoader.LoadText(yaml, "d.yaml");

        Assert.Equal(
            [
                "d.yaml:4:24: Secret default/s: stringData.k: duplicate field; the last value is used",
                "d.yaml:6:1: Secret default/s: type: duplicate field; the last value is used",
            ],
            Warnings(result));
        Assert.True(result.Resources.FindSecret(null, "s")!.Values().TryGetValue("k", out var value));
        Assert.Equal("second", value);
        Assert.Equal("b", result.Resources.Secrets[0].Type);
    }

    [Fact]
    public void MergeKey_IsWarned_BecauseItsFieldsAreDropped()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: r}
            spec:
              backends:
                - &base {name: a, inferenceServiceRef: {name: q}}
                - <<: *base
                  name: b
            """;

        Assert.Equal(
            ["m.yaml:7:7: ModelRouter default/r: spec.backends[1].<<: merge keys are not supported; the merged fields are ignored"],
            Warnings(ResourceLoader.LoadText(yaml, "m.yaml")));
    }

    [Fact]
    public void RefusedObjects_AndOtherKinds_GiveNoWarnings()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1beta1
            kind: ModelRouter
            metadata: {name: r}
            spec: {typo: 1}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            typo: 1
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            typo: 2
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c}
            typo: 1
            """;

        var result = ResourceLoader.LoadText(yaml, "r.yaml");

        Assert.Equal(2, result.Problems.Count);
        Assert.Equal(["r.yaml:9:1: Secret default/s: typo: unknown field"], Warnings(result));
    }
}
