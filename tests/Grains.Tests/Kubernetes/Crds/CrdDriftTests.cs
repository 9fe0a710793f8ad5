using System.Text.Json.Nodes;
using LLMKube.Grains.Api.Schema;
using LLMKube.Grains.Kubernetes.Crds;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Tests.Kubernetes.Crds;

public sealed class CrdDriftTests
{
    private static string Repo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LLMKube.Orleans.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    public static TheoryData<string> Files => [.. CrdGenerator.Kinds.Select(k => k.FileName)];

    [Theory]
    [MemberData(nameof(Files))]
    public void TheCommittedCrd_IsWhatTheTypesGenerate(string file)
    {
        var kind = CrdGenerator.Kinds.Single(k => k.FileName == file);
        var path = Path.Combine(Repo(), "helm", "llmkube-orleans", "crds", file);
        Assert.True(File.Exists(path), $"{path} is missing; run: {CrdFiles.RegenerateCommand}");
        Assert.True(File.ReadAllText(path) == CrdFiles.Render(kind), $"{file} has drifted from the C# API types; run: {CrdFiles.RegenerateCommand}");
    }

    private static JsonObject Spec(string plural)
    {
        var crd = CrdGenerator.Build(CrdGenerator.Kinds.Single(k => k.Plural == plural));
        return crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!.AsObject();
    }

    [Fact]
    public void TheSchema_CarriesTheValidatorsBounds()
    {
        var spec = Spec("modelrouters")["properties"]!;
        Assert.Equal(SchemaLimits.MaxProxyReplicas, (int)spec["proxy"]!["properties"]!["replicas"]!["maximum"]!);
        Assert.Equal(SchemaLimits.MinProxyReplicas, (int)spec["proxy"]!["properties"]!["replicas"]!["minimum"]!);
        Assert.Equal(SchemaLimits.MaxBackends, (int)spec["backends"]!["maxItems"]!);
        var backend = spec["backends"]!["items"]!["properties"]!;
        Assert.Equal(ModelRouterValidator.NamePattern, (string)backend["name"]!["pattern"]!);
        Assert.Equal(SchemaLimits.DurationPattern, (string)backend["timeout"]!["pattern"]!);
        Assert.Equal(ModelRouterValidator.MaxHealthCheckIntervalSeconds, (int)backend["healthCheck"]!["properties"]!["intervalSeconds"]!["maximum"]!);
        Assert.Equal(["local", "cloud"], backend["tier"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(0, (int)backend["weight"]!["minimum"]!);
        Assert.Null(backend["weight"]!["maximum"]);
    }

    [Fact]
    public void TheInferenceServiceSchema_CarriesTheValidatorsBounds()
    {
        var spec = Spec("inferenceservices")["properties"]!;
        Assert.Equal(InferenceServiceLimits.MaxReplicas, (int)spec["replicas"]!["maximum"]!);
        Assert.Equal(InferenceServiceLimits.MinContextSize, (int)spec["contextSize"]!["minimum"]!);
        Assert.Equal(InferenceServiceLimits.MaxGpus, (int)spec["resources"]!["properties"]!["gpu"]!["maximum"]!);
        Assert.Equal(InferenceServiceLimits.QuantityPattern, (string)spec["resources"]!["properties"]!["cpu"]!["pattern"]!);
        Assert.Equal(InferenceServiceLimits.MaxTolerations, (int)spec["tolerations"]!["maxItems"]!);
        Assert.Equal(["llamacpp", "vllm", "tgi", "ollama"], spec["runtime"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(2, spec["modelCache"]!["x-kubernetes-validations"]!.AsArray().Count);
    }

    [Fact]
    public void TheSchema_IsStructural_OneTypePerNode()
    {
        foreach (var kind in CrdGenerator.Kinds)
        {
            var schema = CrdGenerator.Build(kind)["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
            Walk(schema.AsObject(), "");
        }

        static void Walk(JsonObject node, string path)
        {
            Assert.True(node["type"] is JsonValue, $"{path}: type must be one string");
            Assert.False(node.ContainsKey("$ref"), $"{path}: $ref left in");
            foreach (var (name, child) in node["properties"]?.AsObject() ?? []) Walk(child!.AsObject(), $"{path}.{name}");
            if (node["items"] is JsonObject items) Walk(items, path + "[]");
        }
    }

    [Fact]
    public void TheRouterSpec_CarriesTheCelRules()
    {
        var rules = Spec("modelrouters")["x-kubernetes-validations"]!.AsArray().Select(r => (string)r!["message"]!).ToList();
        Assert.Contains("a rule matching a sensitive dataClassification must set failClosed: true", rules);
        Assert.Contains("a rule matching a sensitive dataClassification may route only to tier: local backends", rules);
        Assert.Contains("spec.defaultRoute must name a backend in spec.backends", rules);
        var backend = Spec("modelrouters")["properties"]!["backends"]!["items"]!["x-kubernetes-validations"]!.AsArray();
        Assert.Equal("exactly one of inferenceServiceRef or external must be set", (string)backend.Single()!["message"]!);
    }
}

public sealed class ValidatorSizeTests
{
    [Fact]
    public void TooManyBackends_AreRefusedByTheValidator_AsByTheSchema()
    {
        var router = new LLMKube.Grains.Api.ModelRouter
        {
            Metadata = new LLMKube.Grains.Api.ObjectMeta { Name = "r" },
            Spec = new LLMKube.Grains.Api.ModelRouterSpec
            {
                Backends = [.. Enumerable.Range(0, SchemaLimits.MaxBackends + 1).Select(i => new LLMKube.Grains.Api.RouterBackend
                {
                    Name = "b" + i,
                    External = new LLMKube.Grains.Api.ExternalProvider { Provider = "openai", Model = "m" },
                })],
            },
        };
        Assert.Contains(ModelRouterValidator.Validate(router), e => e.Path == "spec.backends" && e.Message.Contains($"at most {SchemaLimits.MaxBackends}"));
    }
}

public sealed class CrdReferenceDriftTests
{
    [Fact]
    public void TheCrdReference_IsWhatTheTypesGenerate()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "LLMKube.Orleans.sln"))) dir = dir.Parent;
        var path = Path.Combine(dir.FullName, "docs", "crd-reference.md");
        Assert.True(File.Exists(path) && File.ReadAllText(path) == CrdReference.Render(),
            $"docs/crd-reference.md has drifted from the C# API types; run: {CrdFiles.RegenerateAllCommand}");
    }
}
