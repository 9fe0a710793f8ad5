using k8s.Models;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.InferenceServices;
using static LLMKube.Grains.Tests.Kubernetes.InferenceServices.TestObjects;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

/// <summary>Each runtime's container: image, command, flags, port, probes, GPUs.</summary>
public sealed class WorkloadBuilderRuntimeTests
{
    private static readonly string Key = LLMKube.Grains.Models.ModelSource.CacheKey(GgufUrl);
    private static readonly string ModelPath = $"/models/{Key}/Qwen2.5-0.5B-Q4_K_M.gguf";

    private static V1Container Container(InferenceService service, Model model)
    {
        var plan = WorkloadBuilder.Build(service, model, InferenceServiceSettings.Default);
        Assert.Null(plan.Failure);
        return Assert.Single(plan.Deployment!.Spec.Template.Spec.Containers);
    }

    public static TheoryData<string, string, string, string, int, string, string[]?, string[]> Runtimes => new()
    {
        {
            "llamacpp", GgufUrl, "ghcr.io/ggml-org/llama.cpp:server", "llama-server", 8080, "/health", null,
            ["--model", ModelPath, "--port", "8080", "--host", "::", "--metrics"]
        },
        {
            "vllm", "hf://Qwen/Qwen2.5-0.5B-Instruct", "vllm/vllm-openai:v0.25.1", "vllm", 8000, "/health", ["vllm", "serve"],
            ["Qwen/Qwen2.5-0.5B-Instruct", "--port", "8000", "--host", "::"]
        },
        {
            "tgi", "Qwen/Qwen2.5-0.5B-Instruct@v2", "ghcr.io/huggingface/text-generation-inference:3.3.7", "tgi", 80, "/health", null,
            ["--model-id", "Qwen/Qwen2.5-0.5B-Instruct", "--port", "80", "--hostname", "::", "--revision", "v2"]
        },
        {
            "ollama", GgufUrl, "ollama/ollama", "ollama", 11434, "/api/version", null, []
        },
    };

    [Theory]
    [MemberData(nameof(Runtimes))]
    public void EachRuntime_HasItsImage_Flags_NamedPort_AndHealthProbes(string runtime, string source, string image, string name, int port, string health, string[]? command, string[] args)
    {
        var container = Container(Service(runtime: runtime), Model(source, format: runtime is "vllm" or "tgi" ? "safetensors" : null));

        Assert.Equal((image, name), (container.Image, container.Name));
        Assert.Equal(command, container.Command?.ToArray());
        Assert.Equal(args, container.Args?.ToArray() ?? []);
        var containerPort = Assert.Single(container.Ports);
        Assert.Equal(("http", port, "TCP"), (containerPort.Name, containerPort.ContainerPort, containerPort.Protocol));
        foreach (var probe in new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe })
            Assert.Equal((health, "http"), (probe.HttpGet.Path, probe.HttpGet.Port.Value));
        Assert.Equal(180, container.StartupProbe.FailureThreshold);
        Assert.Null(container.Resources);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
    }

    [Fact]
    public void LlamaCpp_TuningFields_BecomeFlags_AndExtraArgsComeLast()
    {
        var container = Container(Service(s =>
        {
            s.ContextSize = 8192;
            s.ParallelSlots = 4;
            s.FlashAttention = true;
            s.Mode = "embedding";
            s.ExtraArgs = ["--pooling", "mean", "--metrics"];
        }), Model());

        Assert.Equal(
            ["--model", ModelPath, "--port", "8080", "--host", "::", "--ctx-size", "8192", "--parallel", "4", "--flash-attn", "on",
             "--embedding", "--pooling", "mean", "--metrics"],
            container.Args);
    }

    [Fact]
    public void LlamaCpp_OnAGpu_OffloadsLayers_FromTheModel()
    {
        var container = Container(Service(s => s.FlashAttention = false), Model(accelerator: "cuda", gpu: new ModelGpu { Layers = 20 }));

        Assert.Equal("ghcr.io/ggml-org/llama.cpp:server-cuda", container.Image);
        Assert.Equal(["--model", ModelPath, "--port", "8080", "--host", "::", "--n-gpu-layers", "20", "--flash-attn", "off", "--metrics"], container.Args);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
    }

    [Fact]
    public void Vllm_AndTgi_MapContextAndParallelism_AndShardAcrossGpus()
    {
        var model = Model("hf://Qwen/Qwen2.5-7B-Instruct", format: "safetensors", accelerator: "cuda", gpu: new ModelGpu { Count = 2 });
        void Tune(InferenceServiceSpec s) { s.ContextSize = 4096; s.ParallelSlots = 8; s.ExtraArgs = ["--x"]; }

        var vllm = Container(Service(Tune, runtime: "vllm"), model);
        var tgi = Container(Service(Tune, runtime: "tgi"), model);

        Assert.Equal(["Qwen/Qwen2.5-7B-Instruct", "--port", "8000", "--host", "::", "--tensor-parallel-size", "2", "--max-model-len", "4096", "--max-num-seqs", "8", "--x"], vllm.Args);
        Assert.Equal(["--model-id", "Qwen/Qwen2.5-7B-Instruct", "--port", "80", "--hostname", "::", "--num-shard", "2",
            "--max-total-tokens", "4096", "--max-input-tokens", "4095", "--max-concurrent-requests", "8", "--x"], tgi.Args);
        Assert.Equal("2", vllm.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Contains(vllm.Env, e => e.Name == "HF_HOME" && e.Value == "/models/huggingface");
        Assert.Contains(tgi.Env, e => e.Name == "HUGGINGFACE_HUB_CACHE");
    }

    [Fact]
    public void Ollama_IsConfiguredThroughItsEnvironment_AndAUserEntryWins()
    {
        var container = Container(Service(s =>
        {
            s.ContextSize = 4096;
            s.ParallelSlots = 2;
            s.FlashAttention = true;
            s.Env = [new EnvVar { Name = "OLLAMA_KEEP_ALIVE", Value = "10m" }, new EnvVar { Name = "TOKEN", ValueFrom = new EnvVarSource { SecretKeyRef = new KeyReference { Name = "s", Key = "k" } } }];
        }, runtime: "ollama"), Model());

        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("[::]:11434", env["OLLAMA_HOST"]);
        Assert.Equal("4096", env["OLLAMA_CONTEXT_LENGTH"]);
        Assert.Equal("2", env["OLLAMA_NUM_PARALLEL"]);
        Assert.Equal("1", env["OLLAMA_FLASH_ATTENTION"]);
        Assert.Equal("/models/ollama", env["OLLAMA_MODELS"]);
        Assert.Equal("10m", env["OLLAMA_KEEP_ALIVE"]);
        Assert.Single(container.Env, e => e.Name == "OLLAMA_KEEP_ALIVE");
        Assert.Equal("s", container.Env.Single(e => e.Name == "TOKEN").ValueFrom.SecretKeyRef.Name);
    }

    public static TheoryData<string?, ModelGpu?, int?, string, int, string> Gpus => new()
    {
        { "cuda", null, null, "nvidia.com/gpu", 1, "ghcr.io/ggml-org/llama.cpp:server-cuda" },
        { "rocm", null, null, "amd.com/gpu", 1, "ghcr.io/ggml-org/llama.cpp:server-rocm" },
        { "cuda", new ModelGpu { Count = 4, Vendor = "amd" }, 2, "amd.com/gpu", 4, "ghcr.io/ggml-org/llama.cpp:server-rocm" },
        { null, null, 2, "nvidia.com/gpu", 2, "ghcr.io/ggml-org/llama.cpp:server-cuda" },
        { null, new ModelGpu { Enabled = true }, null, "nvidia.com/gpu", 1, "ghcr.io/ggml-org/llama.cpp:server-cuda" },
    };

    [Theory]
    [MemberData(nameof(Gpus))]
    public void Gpus_AreRequestedAsLimits_Tolerated_AndRolledWithRecreate(string? accelerator, ModelGpu? gpu, int? specGpus, string resource, int count, string image)
    {
        var plan = WorkloadBuilder.Build(Service(s => s.Resources = specGpus is null ? null : new InferenceServiceResources { Gpu = specGpus }),
            Model(accelerator: accelerator, gpu: gpu), InferenceServiceSettings.Default);

        var pod = plan.Deployment!.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal(image, container.Image);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(container.Resources.Limits, l => l.Key == resource).Value.ToString());
        var toleration = Assert.Single(pod.Tolerations);
        Assert.Equal((resource, "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        Assert.Equal("Recreate", plan.Deployment.Spec.Strategy.Type);
        Assert.Null(plan.Deployment.Spec.Strategy.RollingUpdate);
    }

    [Fact]
    public void WithoutGpus_ThePodRollsWithASurge_AndRequestsCpuAndMemory()
    {
        var plan = WorkloadBuilder.Build(Service(s => s.Resources = new InferenceServiceResources { Cpu = "4", Memory = "8Gi" }), Model(), InferenceServiceSettings.Default);

        var container = plan.Deployment!.Spec.Template.Spec.Containers.Single();
        Assert.Equal("4", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("8Gi", container.Resources.Requests["memory"].ToString());
        Assert.Null(container.Resources.Limits);
        Assert.Null(plan.Deployment.Spec.Template.Spec.Tolerations);
        Assert.Equal(("RollingUpdate", "1", "0"), (plan.Deployment.Spec.Strategy.Type, plan.Deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value, plan.Deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
    }

    [Fact]
    public void SpecImage_WinsOverTheRuntimeDefault()
        => Assert.Equal("registry.local/llama:b1", Container(Service(s => s.Image = "registry.local/llama:b1"), Model(accelerator: "cuda")).Image);
}
