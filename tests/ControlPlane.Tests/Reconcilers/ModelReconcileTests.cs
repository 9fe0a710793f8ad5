using System.Text.Json;
using k8s;
using k8s.Models;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Models;
using LLMKube.Grains.Tests.Models;

namespace LLMKube.ControlPlane.Tests.Reconcilers;

/// <summary>kubectl-applied Models reconciled by a real silo against the real API server.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ModelReconcileTests(ApiServerFixture api)
{
    private static string ModelYaml(string ns, string source, string name = "llama") => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: Model
        metadata:
          name: {{name}}
          namespace: {{ns}}
        spec:
          source: "{{source}}"
        """;

    [ApiServerFact]
    public async Task AnHttpModel_IsReadyAtOnce_ThenShowsItsGgufHeaderAndSize_ReadOncePerGeneration()
    {
        await using var files = await ModelFileServer.StartAsync();
        var bytes = GgufBuilder.Llama(vocabulary: 120_000).Build(tensorBytes: 2 * 1024 * 1024);
        files.Files["llama.gguf"] = bytes;
        var ns = await api.CreateNamespaceAsync("mdl");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);
        var source = files.Url("/files/llama.gguf").ToString();

        await ApplyAsync(ModelYaml(ns, source));

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("gguf", out _), what: "status with gguf");
        Assert.Equal("Ready", status.GetProperty("phase").GetString());
        Assert.Equal(1, status.GetProperty("observedGeneration").GetInt64());
        Assert.Equal(ModelSource.CacheKey(source), status.GetProperty("cacheKey").GetString());
        Assert.Equal(ModelSize.Format(bytes.Length), status.GetProperty("size").GetString());
        Assert.EndsWith(" MiB", status.GetProperty("size").GetString(), StringComparison.Ordinal);
        var gguf = status.GetProperty("gguf");
        Assert.Equal(("llama", "Meta Llama 3 8B Instruct", "Q4_K_M", "llama3"),
            (gguf.GetProperty("architecture").GetString(), gguf.GetProperty("modelName").GetString(), gguf.GetProperty("quantization").GetString(), gguf.GetProperty("license").GetString()));
        Assert.Equal((8192, 4096, 32, 32, 291, 3),
            (gguf.GetProperty("contextLength").GetInt32(), gguf.GetProperty("embeddingSize").GetInt32(), gguf.GetProperty("layerCount").GetInt32(),
             gguf.GetProperty("headCount").GetInt32(), gguf.GetProperty("tensorCount").GetInt32(), gguf.GetProperty("fileVersion").GetInt32()));
        Assert.Equal(("True", "SourceResolved"), Condition(status, "Available"));
        Assert.Equal(("False", "HeaderRead"), Condition(status, "Progressing"));
        Assert.Equal(2, files.Ranges.Count);
        var events = await Eventually.GetAsync(() => EventReasonsAsync(ns), r => r.Contains("HeaderRead"), what: "the HeaderRead event");
        Assert.Contains("SourceResolved", events);

        // A label change is no new generation: nothing is read again.
        var label = await api.KubectlAsync("label", "model", "llama", "-n", ns, "team=ml");
        Assert.True(label.ExitCode == 0, label.StdErr);
        // A new source is: the new file's header is read.
        files.Files["qwen.gguf"] = new GgufBuilder().String("general.architecture", "qwen2").UInt32("qwen2.context_length", 32768).Build();
        await ApplyAsync(ModelYaml(ns, files.Url("/files/qwen.gguf").ToString()));
        status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.GetProperty("gguf").GetProperty("architecture").GetString() == "qwen2", what: "the new header");
        Assert.Equal(2, status.GetProperty("observedGeneration").GetInt64());
        Assert.Equal(32768, status.GetProperty("gguf").GetProperty("contextLength").GetInt32());
        Assert.False(status.GetProperty("gguf").TryGetProperty("quantization", out _), "the old header's fields are gone");
        Assert.Equal(3, files.Ranges.Count);
    }

    [ApiServerFact]
    public async Task AnUnreadableHeader_LeavesTheModelReady_AndSaysWhy()
    {
        await using var files = await ModelFileServer.StartAsync();
        var ns = await api.CreateNamespaceAsync("mdl");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);

        await ApplyAsync(ModelYaml(ns, files.Url("/status/404").ToString()));

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => HasCondition(s, "Progressing", "HeaderUnreadable"), what: "HeaderUnreadable");
        Assert.Equal("Ready", status.GetProperty("phase").GetString());
        Assert.Equal("the GGUF header was not read: the server answered HTTP 404", Message(status, "Progressing"));
        await Eventually.GetAsync(() => EventReasonsAsync(ns), r => r.Contains("HeaderUnreadable"), what: "the HeaderUnreadable warning");
    }

    [ApiServerFact]
    public async Task APvcModel_WaitsForItsClaim_ThenIsReadyWithTheMountedPath()
    {
        var ns = await api.CreateNamespaceAsync("mdl");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);

        await ApplyAsync(ModelYaml(ns, "pvc://weights/llama/model.gguf"));
        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("phase", out _), what: "a phase");
        Assert.Equal("Failed", status.GetProperty("phase").GetString());
        Assert.Equal(("True", "PVCNotFound"), Condition(status, "Degraded"));
        Assert.Equal($"PersistentVolumeClaim weights not found in namespace {ns}", Message(status, "Degraded"));

        await api.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "weights" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadOnlyMany"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") } },
            },
        }, ns);
        status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.GetProperty("phase").GetString() == "Pending", what: "Pending");
        Assert.Equal(("True", "PVCNotBound"), Condition(status, "Progressing"));

        // No PV controller here: the test binds the claim as one would.
        var bind = await api.KubectlAsync("patch", "pvc", "weights", "-n", ns, "--subresource=status", "--type=merge", "-p", """{"status":{"phase":"Bound"}}""");
        Assert.True(bind.ExitCode == 0, bind.StdErr);
        status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.GetProperty("phase").GetString() == "Ready", what: "Ready");
        Assert.Equal(("True", "PVCModelReady"), Condition(status, "Available"));
        Assert.Equal(("False", "PVCModelReady"), Condition(status, "Degraded"));
        Assert.Equal("/model-source/llama/model.gguf", status.GetProperty("path").GetString());
        Assert.False(status.TryGetProperty("cacheKey", out _));
        var events = await Eventually.GetAsync(() => EventReasonsAsync(ns), r => r.Contains("PVCModelReady"), what: "the PVCModelReady event");
        Assert.Contains("PVCNotFound", events);
    }

    [ApiServerFact]
    public async Task ALocalPath_IsRefusedByDefault_NamingTheSetting()
    {
        var ns = await api.CreateNamespaceAsync("mdl");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns]);

        await ApplyAsync(ModelYaml(ns, "/models/llama.gguf"));

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("phase", out _), what: "a phase");
        Assert.Equal("Failed", status.GetProperty("phase").GetString());
        Assert.Equal(("True", "SourceNotAllowed"), Condition(status, "Degraded"));
        var message = "spec.source: local path /models/llama.gguf is refused: local sources are allowed only under Silo:Kubernetes:AllowedHostPathRoots, which is empty";
        Assert.Equal(message, Message(status, "Degraded"));
        var warning = await Eventually.GetAsync(() => EventsAsync(ns), e => e.Any(x => x.Reason == "SourceNotAllowed"), what: "the warning");
        Assert.Equal(("Warning", message), warning.Where(x => x.Reason == "SourceNotAllowed").Select(x => (x.Type, x.Note)).First());
    }

    [ApiServerFact]
    public async Task ALocalPath_UnderAnAllowedRoot_IsReadyWithThePath()
    {
        var ns = await api.CreateNamespaceAsync("mdl");
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], configure: o => o.AllowedHostPathRoots = ["/models"]);

        await ApplyAsync(ModelYaml(ns, "file:///models/llama.gguf"));
        await ApplyAsync(ModelYaml(ns, "/srv/llama.gguf", name: "outside"));

        var status = await Eventually.GetAsync(() => ReadStatusAsync(ns), s => s.TryGetProperty("phase", out _), what: "a phase");
        Assert.Equal(("Ready", "/models/llama.gguf"), (status.GetProperty("phase").GetString(), status.GetProperty("path").GetString()));
        Assert.Equal(("True", "HostPathResolved"), Condition(status, "Available"));
        var outside = await Eventually.GetAsync(() => ReadStatusAsync(ns, "outside"), s => s.TryGetProperty("phase", out _), what: "a phase");
        Assert.Equal("spec.source: local path /srv/llama.gguf is not under an allowed root (Silo:Kubernetes:AllowedHostPathRoots: /models)", Message(outside, "Degraded"));
    }

    [ApiServerFact]
    public async Task AnUnsupportedScheme_IsRefusedByTheApiServer_WithTheSupportedForms()
    {
        var ns = await api.CreateNamespaceAsync("mdl");

        var apply = await api.KubectlWithInputAsync(ModelYaml(ns, "s3://bucket/llama.gguf"), "apply", "-f", "-");

        Assert.NotEqual(0, apply.ExitCode);
        Assert.Contains("spec.source", apply.StdErr, StringComparison.Ordinal);
        Assert.Contains("this URL scheme is not supported (nor is s3://); use http(s)://host/file, hf://org/repo[@revision], org/repo[@revision], pvc://claim/path", apply.StdErr, StringComparison.Ordinal);
    }

    private async Task ApplyAsync(string yaml)
    {
        var result = await api.KubectlWithInputAsync(yaml, "apply", "-f", "-");
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    private async Task<JsonElement> ReadStatusAsync(string ns, string name = "llama")
    {
        var model = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(KubeNames.Group, KubeNames.Version, ns, "models", name);
        return model.TryGetProperty("status", out var status) ? status : default;
    }

    private async Task<List<Eventsv1Event>?> EventsAsync(string ns) => [.. (await api.Client.EventsV1.ListNamespacedEventAsync(ns)).Items];

    private async Task<List<string>?> EventReasonsAsync(string ns) => [.. (await EventsAsync(ns))!.Select(e => e.Reason)];

    private static bool HasCondition(JsonElement status, string type, string reason)
        => status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions)
           && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == type && c.GetProperty("reason").GetString() == reason);

    private static (string?, string?) Condition(JsonElement status, string type)
    {
        var c = status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == type);
        return (c.GetProperty("status").GetString(), c.GetProperty("reason").GetString());
    }

    private static string? Message(JsonElement status, string type)
        => status.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("type").GetString() == type).GetProperty("message").GetString();
}
