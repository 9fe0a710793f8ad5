using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;
using LLMKube.Grains.Validation;
using static LLMKube.Grains.Tests.Kubernetes.InferenceServices.TestObjects;

namespace LLMKube.Grains.Tests.Validation;

public sealed class InferenceServiceValidatorTests
{
    [Fact]
    public void AFullyUsedSpec_IsValid()
    {
        var service = Service(s =>
        {
            s.Mode = "embedding";
            s.Replicas = 2;
            s.Image = "ghcr.io/ggml-org/llama.cpp:server";
            s.Endpoint = new EndpointSpec { Port = 8080, Path = "/v1/embeddings", Type = "NodePort", NodePort = 30080 };
            s.Resources = new InferenceServiceResources { Cpu = "500m", Memory = "8Gi", Gpu = 1 };
            s.Autoscaling = new AutoscalingSpec { MinReplicas = 1, MaxReplicas = 4, Metrics = [new AutoscalingMetric { Type = "Resource", Name = "cpu", TargetAverageUtilization = 70 }] };
            s.ContextSize = 8192;
            s.ParallelSlots = 4;
            s.FlashAttention = true;
            s.ExtraArgs = ["--jinja"];
            s.Env = [new EnvVar { Name = "A", Value = "1" }, new EnvVar { Name = "B", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new KeyReference { Name = "cm", Key = "b" } } }];
            s.ContainerPort = 8081;
            s.Tolerations = [new Toleration { Key = "gpu", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 60 }];
            s.NodeSelector = new() { ["kubernetes.io/arch"] = "amd64" };
            s.PodLabels = new() { ["team"] = "search" };
            s.PodAnnotations = new() { ["example.com/note"] = "anything at all" };
            s.ModelCache = new ModelCacheSpec { Persistence = "Cached", ClaimName = "models" };
        });

        Assert.Empty(InferenceServiceValidator.Validate(service));
    }

    public static TheoryData<string, Action<InferenceServiceSpec>, string, string> Refused => new()
    {
        { "no model", s => s.ModelRef = null, "spec.modelRef", "required" },
        { "unknown runtime", s => s.Runtime = "sglang", "spec.runtime", "must be one of llamacpp, vllm, tgi, ollama" },
        { "tgi embeddings", s => { s.Runtime = "tgi"; s.Mode = "embedding"; }, "spec.mode", "tgi serves no embeddings" },
        { "too many replicas", s => s.Replicas = InferenceServiceLimits.MaxReplicas + 1, "spec.replicas", "between 0 and 10" },
        { "tiny context", s => s.ContextSize = 64, "spec.contextSize", "between 128 and 2097152" },
        { "vllm flash attention", s => { s.Runtime = "vllm"; s.FlashAttention = true; }, "spec.flashAttention", "applies to llamacpp and ollama" },
        { "ollama flags", s => { s.Runtime = "ollama"; s.ExtraArgs = ["--x"]; }, "spec.extraArgs", "takes no flags" },
        { "empty arg", s => s.ExtraArgs = [""], "spec.extraArgs[0]", "must not be empty" },
        { "nodePort without NodePort", s => s.Endpoint = new EndpointSpec { NodePort = 30001 }, "spec.endpoint.nodePort", "only with endpoint.type NodePort" },
        { "relative path", s => s.Endpoint = new EndpointSpec { Path = "v1/chat" }, "spec.endpoint.path", "must start with /" },
        { "bad quantity", s => s.Resources = new InferenceServiceResources { Memory = "8 GB" }, "spec.resources.memory", "is not a quantity" },
        { "nine gpus", s => s.Resources = new InferenceServiceResources { Gpu = 9 }, "spec.resources.gpu", "between 0 and 8" },
        { "min above max", s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 5, MaxReplicas = 2 }, "spec.autoscaling.minReplicas", "must not exceed maxReplicas" },
        { "no max", s => s.Autoscaling = new AutoscalingSpec(), "spec.autoscaling.maxReplicas", "required" },
        { "ollama cpu default", s => { s.Runtime = "ollama"; s.Autoscaling = new AutoscalingSpec { MaxReplicas = 2 }; }, "spec.resources.cpu", "scales on CPU utilization" },
        { "utilization without request", s => s.Autoscaling = new AutoscalingSpec { MaxReplicas = 2, Metrics = [new AutoscalingMetric { Type = "Resource", Name = "memory", TargetAverageUtilization = 50 }] }, "spec.resources.memory", "utilization is a percent of this request" },
        { "pods without value", s => s.Autoscaling = new AutoscalingSpec { MaxReplicas = 2, Metrics = [new AutoscalingMetric { Type = "Pods", Name = "q" }] }, "spec.autoscaling.metrics[0].targetAverageValue", "needs targetAverageValue" },
        { "resource gpu", s => s.Autoscaling = new AutoscalingSpec { MaxReplicas = 2, Metrics = [new AutoscalingMetric { Type = "Resource", Name = "gpu", TargetAverageValue = "1" }] }, "spec.autoscaling.metrics[0].name", "cpu or memory" },
        { "env both", s => s.Env = [new EnvVar { Name = "A", Value = "1", ValueFrom = new EnvVarSource { SecretKeyRef = new KeyReference { Name = "s", Key = "k" } } }], "spec.env[0]", "not both" },
        { "env twice", s => s.Env = [new EnvVar { Name = "A" }, new EnvVar { Name = "A" }], "spec.env[1].name", "set twice" },
        { "env bad name", s => s.Env = [new EnvVar { Name = "1 A" }], "spec.env[0].name", "not a valid environment variable name" },
        { "env two sources", s => s.Env = [new EnvVar { Name = "A", ValueFrom = new EnvVarSource() }], "spec.env[0].valueFrom", "exactly one" },
        { "exists with value", s => s.Tolerations = [new Toleration { Key = "k", Operator = "Exists", Value = "v" }], "spec.tolerations[0].value", "has no value" },
        { "no key equal", s => s.Tolerations = [new Toleration { Value = "v" }], "spec.tolerations[0].operator", "must use operator Exists" },
        { "seconds without NoExecute", s => s.Tolerations = [new Toleration { Key = "k", TolerationSeconds = 5 }], "spec.tolerations[0].tolerationSeconds", "only with effect NoExecute" },
        { "bad label value", s => s.PodLabels = new() { ["team"] = "not ok!" }, "spec.podLabels[team]", "not a valid label value" },
        { "operator label", s => s.PodLabels = new() { ["inference.llmkube.dev/service"] = "x" }, "spec.podLabels[inference.llmkube.dev/service]", "set by the operator" },
        { "bad selector key", s => s.NodeSelector = new() { ["Bad_Prefix/x"] = "y" }, "spec.nodeSelector[Bad_Prefix/x]", "not a valid key" },
        { "claim with Ephemeral", s => s.ModelCache = new ModelCacheSpec { Persistence = "Ephemeral", ClaimName = "c" }, "spec.modelCache.claimName", "cannot be set with persistence Ephemeral" },
        { "Cached without claim", s => s.ModelCache = new ModelCacheSpec { Persistence = "Cached" }, "spec.modelCache.claimName", "needs claimName" },
        { "bad claim", s => s.ModelCache = new ModelCacheSpec { ClaimName = "Big_Claim" }, "spec.modelCache.claimName", "not a valid object name" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AProblem_IsReportedAtItsFieldPath(string why, Action<InferenceServiceSpec> edit, string path, string message)
    {
        var errors = InferenceServiceValidator.Validate(Service(edit));

        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(message)), $"{why}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void ALongName_IsRefused_BecauseItNamesTheServiceAndLabelsThePods()
    {
        var errors = InferenceServiceValidator.Validate(Service(name: new string('a', 64)));

        Assert.Equal("metadata.name", Assert.Single(errors).Path);
    }

    [Fact]
    public void EveryProblem_IsReportedInOnePass()
    {
        var errors = InferenceServiceValidator.Validate(Service(s => { s.Replicas = 11; s.ContextSize = 1; s.Runtime = "x"; }));

        Assert.Equal(["spec.runtime", "spec.replicas", "spec.contextSize"], errors.Select(e => e.Path));
    }
}
