using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

public class ResourceNotesTests
{
    private const string RouterHead = """
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata: {name: r}
        spec:
          backends: [{name: a, inferenceServiceRef: {name: q}}]

        """;

    [Fact]
    public void OutsideKubernetes_WarnsOncePerDeploymentOnlyFieldSet_WithFileAndObject()
    {
        var yaml = RouterHead + """
              endpoint: {port: 8080, type: ClusterIP}
              proxy:
                replicas: 2
                revisionHistoryLimit: 3
                image: ghcr.io/x/gateway:1
                resources: {limits: {cpu: "1"}}
                imagePullSecrets: [{name: pull}]
                nodeSelector: {kubernetes.io/os: linux}
                quarantineDuration: 10s
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: {name: q, namespace: team}
            spec:
              modelRef: qwen
              runtime: llamacpp
              mode: chat
              replicas: 1
              contextSize: 4096
              endpoint: {port: 8081}
            status:
              phase: Ready
              readyReplicas: 1
              endpoint: http://127.0.0.1:8081
            """;
        var loaded = ResourceLoader.LoadText(yaml, "all.yaml");
        Assert.Empty(loaded.Problems);

        var notes = ResourceNotes.OutsideKubernetes(loaded.Resources).Select(n => n.ToString());

        const string deployed = "has no effect when resources are read from files (nothing is deployed)";
        const string status = "has no effect when resources are read from files (of status, only endpoint is read)";
        Assert.Equal(
            [
                $"all.yaml: ModelRouter default/r: spec.endpoint.port: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.endpoint.type: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.replicas: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.revisionHistoryLimit: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.image: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.resources: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.imagePullSecrets: {deployed}",
                $"all.yaml: ModelRouter default/r: spec.proxy.nodeSelector: {deployed}",
                $"all.yaml: InferenceService team/q: spec.modelRef: {deployed}",
                $"all.yaml: InferenceService team/q: spec.runtime: {deployed}",
                $"all.yaml: InferenceService team/q: spec.mode: {deployed}",
                $"all.yaml: InferenceService team/q: spec.replicas: {deployed}",
                $"all.yaml: InferenceService team/q: spec.contextSize: {deployed}",
                $"all.yaml: InferenceService team/q: status.phase: {status}",
                $"all.yaml: InferenceService team/q: status.readyReplicas: {status}",
            ],
            notes);
    }

    [Fact]
    public void OutsideKubernetes_FieldsThatWork_GiveNoNotes()
    {
        var yaml = RouterHead + """
              proxy: {quarantineDuration: 10s, connectTimeout: 2s}
            ---
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: {name: q}
            spec: {endpoint: {port: 8081}}
            status: {endpoint: http://127.0.0.1:8081}
            """;

        Assert.Empty(ResourceNotes.OutsideKubernetes(ResourceLoader.LoadText(yaml, "ok.yaml").Resources));
    }

    [Fact]
    public void OutsideKubernetes_AModel_IsCheckedAndKept_WithOneNoteThatItHasNoEffect()
    {
        var yaml = """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: Model
            metadata: {name: llama, namespace: team}
            spec:
              source: /models/llama.gguf
              hardware: {accelerator: metal, gpu: {layers: 99}}
              sha265: typo
            """;

        var loaded = ResourceLoader.LoadText(yaml, "m.yaml");

        Assert.Empty(loaded.Problems);
        Assert.Equal("team/llama", Assert.Single(loaded.Resources.Models).Key.ToString());
        Assert.Equal(["m.yaml:7:3: Model team/llama: spec.sha265: unknown field"], loaded.Warnings.Select(w => w.ToString()));
        Assert.Equal(
            ["m.yaml: Model team/llama: a Model has no effect when resources are read from files (nothing is downloaded or deployed; routers reach InferenceServices at their endpoint)"],
            ResourceNotes.OutsideKubernetes(loaded.Resources).Select(n => n.ToString()));
    }

    [Fact]
    public void OutsideKubernetes_AModelOfTheWrongShape_IsAProblem()
    {
        var yaml = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: Model\nmetadata: {name: m}\nspec: {source: [a, b]}\n";

        Assert.Equal(["m.yaml:4:16: Model default/m: spec.source: expected a scalar, got a sequence"], ResourceLoader.LoadText(yaml, "m.yaml").Problems.Select(p => p.ToString()));
    }
}
