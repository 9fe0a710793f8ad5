using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;
using static LLMKube.Grains.Tests.Kubernetes.InferenceServices.TestObjects;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

/// <summary>The objects around the container: Deployment, Service, autoscaler, model volumes and init steps, metal, refusals.</summary>
public sealed class WorkloadBuilderTests
{
    private static WorkloadPlan Build(InferenceService service, Model? model = null) => WorkloadBuilder.Build(service, model ?? Model(), InferenceServiceSettings.Default);

    [Fact]
    public void TheDeployment_IsOwned_Labelled_AndSelectsItsPodsByServiceOnly()
    {
        var plan = Build(Service(s =>
        {
            s.PodLabels = new() { ["team"] = "a", ["app"] = "mine" };
            s.PodAnnotations = new() { ["sidecar.istio.io/inject"] = "false" };
            s.NodeSelector = new() { ["pool"] = "cpu" };
            s.Tolerations = [new Toleration { Key = "spot", Operator = "Exists", Effect = "NoSchedule" }];
        }));

        var deployment = plan.Deployment!;
        Assert.Equal(("qwen.chat", "team"), (deployment.Metadata.Name, deployment.Metadata.NamespaceProperty));
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal((KubeNames.ApiVersion, "InferenceService", "qwen.chat", "isvc-uid", true, false),
            (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "qwen.chat", ["inference.llmkube.dev/service"] = "qwen.chat" }, deployment.Spec.Selector.MatchLabels);
        Assert.Equal("qwen", deployment.Metadata.Labels["inference.llmkube.dev/model"]);
        Assert.Equal("llamacpp", deployment.Metadata.Labels["inference.llmkube.dev/runtime"]);
        Assert.Equal(KubeNames.ManagedBy, deployment.Metadata.Labels[KubeNames.ManagedByLabel]);
        var template = deployment.Spec.Template;
        Assert.Equal("qwen.chat", template.Metadata.Labels["app"]); // the operator's label wins
        Assert.Equal("a", template.Metadata.Labels["team"]);
        // Only the user's annotations: no template hash that would roll pods or fight kubectl rollout restart.
        Assert.Equal(new Dictionary<string, string> { ["sidecar.istio.io/inject"] = "false" }, template.Metadata.Annotations);
        Assert.Equal("cpu", template.Spec.NodeSelector["pool"]);
        Assert.Equal("spot", Assert.Single(template.Spec.Tolerations).Key);
        Assert.False(template.Spec.EnableServiceLinks);
        Assert.Equal("RuntimeDefault", template.Spec.SecurityContext.SeccompProfile.Type);
        Assert.Equal(1, deployment.Spec.Replicas);
    }

    [Theory]
    [InlineData(null, null, 8080, 8080)]
    [InlineData(9000, null, 9000, 9000)]
    [InlineData(null, 5000, 8080, 5000)]
    [InlineData(80, 8081, 80, 8081)]
    public void TheService_TargetsTheNamedContainerPort_WhateverNumberTheRuntimeListensOn(int? endpointPort, int? containerPort, int servicePort, int listens)
    {
        var plan = Build(Service(s =>
        {
            s.Endpoint = endpointPort is null ? null : new EndpointSpec { Port = endpointPort };
            s.ContainerPort = containerPort;
        }));

        var port = Assert.Single(plan.Service!.Spec.Ports);
        Assert.Equal(("http", servicePort, "http"), (port.Name, port.Port, port.TargetPort.Value));
        Assert.Equal("qwen-chat", plan.Service.Metadata.Name);
        Assert.Equal(plan.Deployment!.Spec.Selector.MatchLabels, plan.Service.Spec.Selector);
        Assert.Equal(listens, plan.Deployment.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort);
    }

    [Fact]
    public void AVllmService_WithoutEndpoint_StillReachesPort8000()
    {
        var plan = Build(Service(runtime: "vllm"), Model("hf://Qwen/Qwen2.5-0.5B-Instruct", format: "safetensors"));

        Assert.Equal((8080, "http"), (plan.Service!.Spec.Ports[0].Port, plan.Service.Spec.Ports[0].TargetPort.Value));
        Assert.Equal(8000, plan.Deployment!.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort);
    }

    [Fact]
    public void ANodePortService_CarriesItsNodePort()
    {
        var plan = Build(Service(s => s.Endpoint = new EndpointSpec { Type = "NodePort", NodePort = 30080 }));

        Assert.Equal(("NodePort", 30080), (plan.Service!.Spec.Type, plan.Service.Spec.Ports[0].NodePort));
    }

    [Theory]
    [InlineData("llamacpp", "Pods", "llamacpp:requests_processing")]
    [InlineData("vllm", "Pods", "vllm:num_requests_running")]
    [InlineData("tgi", "Pods", "tgi:queue_size")]
    [InlineData("ollama", "Resource", "cpu")]
    public void Autoscaling_AddsAnAutoscaler_WithTheRuntimesDefaultMetric_AndHandsItTheReplicaCount(string runtime, string type, string metric)
    {
        var model = runtime is "vllm" or "tgi" ? Model("hf://Qwen/Qwen2.5-0.5B-Instruct", format: "safetensors") : Model();
        var plan = Build(Service(s => s.Autoscaling = new AutoscalingSpec { MinReplicas = 2, MaxReplicas = 5 }, runtime: runtime), model);

        var hpa = plan.Autoscaler!;
        Assert.Equal(("qwen.chat", "Deployment", "qwen.chat", "apps/v1"), (hpa.Metadata.Name, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name, hpa.Spec.ScaleTargetRef.ApiVersion));
        Assert.Equal((2, 5), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas));
        var spec = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal(type, spec.Type);
        if (type == "Pods") Assert.Equal((metric, "AverageValue", "2"), (spec.Pods.Metric.Name, spec.Pods.Target.Type, spec.Pods.Target.AverageValue.ToString()));
        else Assert.Equal((metric, "Utilization", 80), (spec.Resource.Name, spec.Resource.Target.Type, spec.Resource.Target.AverageUtilization));
        Assert.Null(plan.Deployment!.Spec.Replicas);
        Assert.Single(hpa.Metadata.OwnerReferences);
    }

    [Fact]
    public void GivenMetrics_ReplaceTheDefault()
    {
        var plan = Build(Service(s => s.Autoscaling = new AutoscalingSpec
        {
            MaxReplicas = 3,
            Metrics = [new AutoscalingMetric { Type = "Resource", Name = "memory", TargetAverageValue = "12Gi" }, new AutoscalingMetric { Type = "Pods", Name = "q", TargetAverageValue = "5" }],
        }));

        Assert.Equal(["Resource", "Pods"], plan.Autoscaler!.Spec.Metrics.Select(m => m.Type));
        Assert.Equal("12Gi", plan.Autoscaler.Spec.Metrics[0].Resource.Target.AverageValue.ToString());
        Assert.Equal(1, plan.Autoscaler.Spec.MinReplicas);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void SuspendedOrZeroReplicas_ScaleToZero_AndDropTheAutoscaler(bool suspend, int replicas)
    {
        var plan = Build(Service(s =>
        {
            s.Suspend = suspend;
            s.Replicas = replicas;
            s.Autoscaling = new AutoscalingSpec { MaxReplicas = 3 };
        }));

        Assert.Equal(0, plan.Deployment!.Spec.Replicas);
        Assert.Null(plan.Autoscaler);
    }

    [Fact]
    public void AnHttpFile_IsDownloadedIntoAnEmptyDir_AndCheckedAgainstTheModelsSha256()
    {
        var sha = new string('A', 64);
        var plan = Build(Service(), Model(sha256: sha));

        var pod = plan.Deployment!.Spec.Template.Spec;
        var init = Assert.Single(pod.InitContainers);
        Assert.Equal(("model-downloader", InferenceServiceSettings.DefaultDownloaderImage), (init.Name, init.Image));
        var env = init.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(GgufUrl, env["MODEL_SOURCE"]);
        Assert.Equal(new string('a', 64), env["MODEL_SHA256"]);
        Assert.Equal(pod.Containers[0].Args[1], env["MODEL_PATH"]);
        Assert.Contains("sha256sum -c", init.Command[2]);
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal("model-storage", volume.Name);
        Assert.NotNull(volume.EmptyDir);
        var mount = Assert.Single(pod.Containers[0].VolumeMounts);
        Assert.Equal(("model-storage", "/models", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty));
    }

    [Fact]
    public void ACacheClaim_HoldsTheDownload_AndTheModelStatusCacheKeyNamesTheFolder()
    {
        var model = Model();
        model.Status!.CacheKey = "0123456789abcdef";
        var plan = Build(Service(s => s.ModelCache = new ModelCacheSpec { ClaimName = "model-cache" }), model);

        var pod = plan.Deployment!.Spec.Template.Spec;
        Assert.Equal("model-cache", Assert.Single(pod.Volumes).PersistentVolumeClaim.ClaimName);
        Assert.Equal("/models/0123456789abcdef/Qwen2.5-0.5B-Q4_K_M.gguf", pod.Containers[0].Args[1]);
        Assert.Null(Assert.Single(pod.InitContainers).Env.SingleOrDefault(e => e.Name == "MODEL_SHA256"));
    }

    [Fact]
    public void SkipModelInit_WithACacheClaim_HasNoInitContainer()
    {
        var plan = Build(Service(s => { s.SkipModelInit = true; s.ModelCache = new ModelCacheSpec { ClaimName = "filled" }; }));

        Assert.Null(plan.Deployment!.Spec.Template.Spec.InitContainers);
    }

    [Fact]
    public void APvcSource_IsMountedReadOnly_WithoutAnInitStep()
    {
        var model = Model("pvc://weights/llama/8b.gguf");
        var plan = Build(Service(), model);

        var pod = plan.Deployment!.Spec.Template.Spec;
        Assert.Null(pod.InitContainers);
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal(("model-source", "weights", true), (volume.Name, volume.PersistentVolumeClaim.ClaimName, volume.PersistentVolumeClaim.ReadOnlyProperty));
        Assert.Equal("/model-source/llama/8b.gguf", pod.Containers[0].Args[1]);
        Assert.True(Assert.Single(pod.Containers[0].VolumeMounts).ReadOnlyProperty);
    }

    [Theory]
    [InlineData(GgufUrl, "OLLAMA_MODEL_FILE", null)]
    [InlineData("hf://bartowski/Qwen-GGUF@Q4_K_M", "OLLAMA_PULL", "hf.co/bartowski/Qwen-GGUF:Q4_K_M")]
    public void Ollama_ImportsTheModelInAnInitStep_UnderTheModelsName(string source, string how, string? pull)
    {
        var plan = Build(Service(runtime: "ollama"), Model(source));

        var inits = plan.Deployment!.Spec.Template.Spec.InitContainers;
        var import = inits[^1];
        Assert.Equal(("ollama-import", "ollama/ollama"), (import.Name, import.Image));
        var env = import.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("qwen", env["OLLAMA_MODEL"]);
        Assert.Equal("/models/ollama", env["OLLAMA_MODELS"]);
        Assert.True(env.ContainsKey(how));
        if (pull is not null) Assert.Equal(pull, env[how]);
        else Assert.Equal(["model-downloader", "ollama-import"], inits.Select(i => i.Name));
    }

    public static TheoryData<string, string, string?, string, string> Refusals => new()
    {
        { "llamacpp", "hf://Qwen/Qwen2.5-0.5B-Instruct", null, "ModelFileRequired", "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct/resolve/main/<file>.gguf" },
        { "llamacpp", GgufUrl, "safetensors", "ModelFormatNotSupported", "serves gguf" },
        { "ollama", "/Users/me/a.gguf", null, "ModelSourceNotServable", "local path" },
        { "tgi", GgufUrl, null, "ModelRepoRequired", "not the single file" },
        { "vllm", GgufUrl, "safetensors", "ModelRepoRequired", "gguf" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void WhatARuntimeCannotServe_FailsWithAReason(string runtime, string source, string? format, string reason, string message)
    {
        var plan = Build(Service(runtime: runtime), Model(source, format));

        Assert.Equal(reason, plan.Failure?.Reason);
        Assert.Contains(message, plan.Failure!.Message);
        Assert.Null(plan.Deployment);
    }

    [Fact]
    public void SkipModelInit_WithNothingToFillTheVolume_Fails()
    {
        var plan = Build(Service(s => s.SkipModelInit = true));

        Assert.Equal("ModelInitRequired", plan.Failure?.Reason);
        Assert.StartsWith("spec.skipModelInit", plan.Failure!.Message);
    }

    [Fact]
    public void AMetalModel_GetsASelectorlessService_AndNoDeployment()
    {
        var plan = Build(Service(s => s.Endpoint = new EndpointSpec { Port = 8081 }), Model(accelerator: "metal"));

        Assert.True(plan.Metal);
        Assert.Null(plan.Deployment);
        Assert.Null(plan.Autoscaler);
        Assert.Null(plan.Service!.Spec.Selector);
        var port = Assert.Single(plan.Service.Spec.Ports);
        Assert.Equal(("http", 8081), (port.Name, port.Port));
        Assert.Single(plan.Service.Metadata.OwnerReferences);
    }

    [Fact]
    public void AMetalModel_RefusesPodOnlyFields_AndRuntimesAMacDoesNotRun()
    {
        var fields = Build(Service(s => { s.Autoscaling = new AutoscalingSpec { MaxReplicas = 2 }; s.Image = "x"; }), Model(accelerator: "metal"));
        var runtime = Build(Service(runtime: "vllm"), Model(accelerator: "metal"));

        Assert.Equal("FieldsNotApplicableToMetal", fields.Failure?.Reason);
        Assert.StartsWith("spec.image, spec.autoscaling:", fields.Failure!.Message);
        Assert.Equal("RuntimeNotSupportedOnMetal", runtime.Failure?.Reason);
    }

    [Theory]
    [InlineData(null, null, "http://qwen-chat.team.svc.cluster.local:8080/v1/chat/completions")]
    [InlineData("embedding", null, "http://qwen-chat.team.svc.cluster.local:8080/v1/embeddings")]
    [InlineData("chat", "/v1/completions", "http://qwen-chat.team.svc.cluster.local:8080/v1/completions")]
    public void TheEndpoint_IsTheServiceAddress_WithThePathOfTheMode(string? mode, string? path, string endpoint)
        => Assert.Equal(endpoint, WorkloadBuilder.Endpoint(Service(s => { s.Mode = mode; s.Endpoint = path is null ? null : new EndpointSpec { Path = path }; })));
}
