using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Models;
using LLMKube.Grains.Models;

namespace LLMKube.Grains.Tests.Kubernetes.Models;

public sealed class ModelStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelSourcePolicy Roots = new(["/models"], []);

    private static Model Model(string source, string? accelerator = null, string? format = null, long generation = 3) => new()
    {
        Metadata = new ObjectMeta { Name = "m", Namespace = "ns", Uid = "u", Generation = generation },
        Spec = new ModelSpec { Source = source, Format = format, Hardware = accelerator is null ? null : new ModelHardware { Accelerator = accelerator } },
    };

    private static ModelDecision Decide(ModelObservation observed, HeaderProbe? header = null, ModelSourcePolicy? policy = null, IReadOnlyList<KubeCondition>? previous = null)
        => ModelStatusBuilder.Decide(observed, header, policy ?? Roots, previous, Now);

    private static KubeCondition Condition(ModelDecision d, string type) => d.Conditions.Single(c => c.Type == type);

    public static TheoryData<string, ModelObservation, string, string, string?, string?> Sources => new()
    {
        { "hf repo", new(Model("hf://org/repo@v2")), "Ready", "RuntimeResolved", null, null },
        { "bare repo id", new(Model("org/repo")), "Ready", "RuntimeResolved", null, null },
        { "claim missing", new(Model("pvc://weights/llama/m.gguf"), false, null), "Failed", "PVCNotFound", null, null },
        { "claim pending", new(Model("pvc://weights/llama/m.gguf"), true, "Pending"), "Pending", "PVCNotBound", null, null },
        { "claim without phase", new(Model("pvc://weights/llama/m.gguf"), true, null), "Pending", "PVCNotBound", null, null },
        { "claim bound", new(Model("pvc://weights/llama/m.gguf"), true, "Bound"), "Ready", "PVCModelReady", "/model-source/llama/m.gguf", null },
        { "local, allowed", new(Model("/models/m.gguf")), "Ready", "HostPathResolved", "/models/m.gguf", null },
        { "local, metal", new(Model("file:///models/m.gguf", "metal")), "Ready", "MetalAgentManaged", "/models/m.gguf", null },
        { "local, outside the roots", new(Model("/etc/m.gguf")), "Failed", "SourceNotAllowed", null, null },
        { "unsupported scheme", new(Model("s3://b/m.gguf")), "Failed", "SpecInvalid", null, null },
        { "http", new(Model("https://example.com/m.gguf")), "Ready", "SourceResolved", null, "608d0e1313135e5b" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void EachSourceKind_HasItsPhaseReasonAndPath(string what, ModelObservation observed, string phase, string reason, string? path, string? cacheKey)
    {
        var decision = Decide(observed);

        Assert.True((phase, reason) == (decision.Phase, decision.Reason), $"{what}: {decision.Phase}/{decision.Reason}");
        Assert.Equal(phase, (string?)decision.Status["phase"]);
        Assert.Equal(path, (string?)decision.Status["path"]);
        Assert.Equal(cacheKey, (string?)decision.Status["cacheKey"]);
        Assert.Equal(3, (long)decision.Status["observedGeneration"]!);
        Assert.Equal(phase == "Ready" ? "True" : "False", Condition(decision, "Available").Status);
        Assert.Equal(phase == "Failed" ? "True" : "False", Condition(decision, "Degraded").Status);
        Assert.Equal(phase == "Pending" || reason == "SourceResolved" ? "True" : "False", Condition(decision, "Progressing").Status);
        Assert.All(decision.Conditions, c => Assert.Equal(reason == "SourceResolved" && c.Type == "Progressing" ? "ReadingHeader" : reason, c.Reason));
        var ev = Assert.Single(decision.Events);
        Assert.Equal((phase == "Failed" ? "Warning" : "Normal", reason), (ev.Type, ev.Reason));
    }

    [Fact]
    public void AnInvalidSpec_NamesEveryField_InTheConditionAndTheWarning()
    {
        var model = Model("pvc://w/m.gguf", "metal");
        model.Spec!.Sha256 = new string('a', 64);

        var decision = Decide(new(model, true, "Bound"));

        var expected = "spec.sha256: is checked only for http(s):// file sources, where the file is downloaded; remove it for a pvc:// source; "
                       + "spec.source: a pvc:// source cannot be used with accelerator metal: the Metal agent runs outside the cluster and cannot mount a PersistentVolumeClaim";
        Assert.Equal(expected, Condition(decision, "Degraded").Message);
        Assert.Equal(("Warning", "SpecInvalid", expected), (decision.Events[0].Type, decision.Events[0].Reason, decision.Events[0].Note));
        Assert.False(decision.ReadHeader);
    }

    [Fact]
    public void AnHttpSource_AsksForItsHeaderOnce_ThenShowsIt()
    {
        var observed = new ModelObservation(Model("https://example.com/m.gguf"));
        var first = Decide(observed);
        Assert.True(first.ReadHeader);
        Assert.Equal(("True", "ReadingHeader", "reading the GGUF header from example.com"), (Condition(first, "Progressing").Status, Condition(first, "Progressing").Reason, Condition(first, "Progressing").Message));
        Assert.Null(first.Status["gguf"]);

        var gguf = new GgufMetadata { Architecture = "llama", Quantization = "Q4_K_M", LayerCount = 32, ContextLength = 8192, FileVersion = 3, TensorCount = 291 };
        var read = Decide(observed, new HeaderProbe(4_920_000_000, gguf, null), previous: first.Conditions);

        Assert.False(read.ReadHeader);
        Assert.Equal("4.6 GiB", (string?)read.Status["size"]);
        Assert.Equal("""{"architecture":"llama","quantization":"Q4_K_M","contextLength":8192,"layerCount":32,"tensorCount":291,"fileVersion":3}""", read.Status["gguf"]!.ToJsonString());
        Assert.Equal(("False", "HeaderRead", "GGUF v3, llama, Q4_K_M, 32 layers, context 8192"), (Condition(read, "Progressing").Status, Condition(read, "Progressing").Reason, Condition(read, "Progressing").Message));
        Assert.Equal([("Normal", "HeaderRead")], read.Events.Select(e => (e.Type, e.Reason)));
        // Available did not change: its transition time stays that of the first decision.
        Assert.Equal(Condition(first, "Available").LastTransitionTime, Condition(read, "Available").LastTransitionTime);
    }

    [Fact]
    public void AnUnreadableHeader_IsAWarning_NotAFailure()
    {
        var observed = new ModelObservation(Model("https://example.com/m.gguf"));
        var first = Decide(observed);

        var decision = Decide(observed, new HeaderProbe(5019, null, "no readable GGUF header: not a GGUF file"), previous: first.Conditions);

        Assert.Equal("Ready", decision.Phase);
        Assert.Equal("4.9 KiB", (string?)decision.Status["size"]);
        Assert.Equal(("HeaderUnreadable", "the GGUF header was not read: no readable GGUF header: not a GGUF file"), (Condition(decision, "Progressing").Reason, Condition(decision, "Progressing").Message));
        Assert.Equal([("Warning", "HeaderUnreadable")], decision.Events.Select(e => (e.Type, e.Reason)));
    }

    [Fact]
    public void APartialHeader_IsShown_WithWhatIsMissing()
    {
        var decision = Decide(new(Model("https://example.com/m.gguf")), new HeaderProbe(null, new GgufMetadata { Architecture = "llama", FileVersion = 3 }, "the file ends inside its GGUF header"));

        Assert.Equal("GGUF v3, llama (partial: the file ends inside its GGUF header)", Condition(decision, "Progressing").Message);
        Assert.Null(decision.Status["size"]);
    }

    [Theory]
    [InlineData("safetensors", null, "the silo reads the header of gguf files only")]
    [InlineData(null, "huggingface.co", "the silo does not fetch from example.com: it is not in Silo:Kubernetes:AllowedRemoteHosts")]
    public void SomeHeaders_AreNotRead_AndSaySo(string? format, string? allowedHost, string message)
    {
        var policy = new ModelSourcePolicy([], allowedHost is null ? [] : [allowedHost]);

        var decision = Decide(new(Model("https://example.com/m.gguf", format: format)), policy: policy);

        Assert.False(decision.ReadHeader);
        Assert.Equal(("Ready", "HeaderSkipped", message), (decision.Phase, Condition(decision, "Progressing").Reason, Condition(decision, "Progressing").Message));
    }

    [Fact]
    public void AHeaderSettledBeforeARestart_IsKeptFromTheStatus_AndNotReadAgain()
    {
        var model = Model("https://example.com/m.gguf");
        var settled = new KubeCondition("Progressing", "False", "HeaderRead", "GGUF v3, llama", Now.AddHours(-1), 3);
        var available = new KubeCondition("Available", "True", "SourceResolved", "x", Now.AddHours(-2), 3);
        model.Status = new ModelStatus { Size = "4.6 GiB", Gguf = new GgufMetadata { Architecture = "llama" } };

        var decision = Decide(new(model), previous: [available, settled]);

        Assert.False(decision.ReadHeader);
        Assert.Empty(decision.Events);
        Assert.Equal("4.6 GiB", (string?)decision.Status["size"]);
        Assert.Equal("llama", (string?)decision.Status["gguf"]!["architecture"]);
        Assert.Equal((Now.AddHours(-1), "GGUF v3, llama"), (Condition(decision, "Progressing").LastTransitionTime, Condition(decision, "Progressing").Message));
    }

    [Fact]
    public void ANewGeneration_ReadsTheHeaderAgain_AndReportsAgain()
    {
        var settled = new KubeCondition("Progressing", "False", "HeaderRead", "GGUF v3, llama", Now.AddHours(-1), 2);
        var available = new KubeCondition("Available", "True", "SourceResolved", "x", Now.AddHours(-2), 2);

        var decision = Decide(new(Model("https://example.com/other.gguf", generation: 3)), previous: [available, settled]);

        Assert.True(decision.ReadHeader);
        Assert.Equal([("Normal", "SourceResolved")], decision.Events.Select(e => (e.Type, e.Reason)));
        Assert.Equal(Now.AddHours(-2), Condition(decision, "Available").LastTransitionTime);
    }

    [Fact]
    public void TheClaimBecomingBound_FlipsTheConditions_AndRecordsOneEvent()
    {
        var pending = Decide(new(Model("pvc://weights/m.gguf"), true, "Pending"));

        var bound = Decide(new(Model("pvc://weights/m.gguf"), true, "Bound"), previous: pending.Conditions);
        var again = Decide(new(Model("pvc://weights/m.gguf"), true, "Bound"), previous: bound.Conditions);

        Assert.Equal(("Pending", "Ready"), (pending.Phase, bound.Phase));
        Assert.Equal([("Normal", "PVCModelReady")], bound.Events.Select(e => (e.Type, e.Reason)));
        Assert.Empty(again.Events);
        Assert.Equal(bound.Status.ToJsonString(), again.Status.ToJsonString());
    }

    [Fact]
    public void TheStatus_HasOnlyTheFieldsOfTheSource()
    {
        var decision = Decide(new(Model("hf://org/repo")));

        Assert.Equal(["observedGeneration", "phase", "conditions"], decision.Status.Select(p => p.Key));
        Assert.All(decision.Status["conditions"]!.AsArray(), c => Assert.Equal("2026-12-02T12:00:00Z", (string?)c!["lastTransitionTime"]));
    }
}
