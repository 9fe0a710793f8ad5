using k8s.Models;
using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// The desired Kubernetes objects of an InferenceService, as a pure function of it and its Model. Only the fields we
/// own are set: server-side apply leaves every other field (annotations of <c>kubectl rollout restart</c>, injected
/// sidecars) to whoever wrote it, and no template hash is stamped, so nothing rolls the pods but a change of ours.
/// </summary>
public static partial class WorkloadBuilder
{
    public const string AppLabel = "app";
    public const string ServiceLabel = "inference.llmkube.dev/service";
    public const string ModelLabel = "inference.llmkube.dev/model";
    public const string RuntimeLabel = "inference.llmkube.dev/runtime";

    /// <summary>The Service port when <c>endpoint.port</c> is unset.</summary>
    public const int DefaultServicePort = 8080;

    // Makes model-storage writable by every container of the pod, whatever user its image runs as.
    private const long PodFsGroup = 1000;

    public static bool IsMetal(Model? model) => model?.Spec?.Hardware?.Accelerator == "metal";

    /// <summary>The address routers use: <c>http://&lt;service&gt;.&lt;ns&gt;.svc.cluster.local:&lt;port&gt;&lt;path&gt;</c>.</summary>
    public static string Endpoint(InferenceService service)
    {
        var spec = service.Spec;
        var path = spec?.Endpoint?.Path is { Length: > 0 } p ? p : spec?.Mode == "embedding" ? "/v1/embeddings" : "/v1/chat/completions";
        return $"http://{KubeNames.Sanitize(service.Metadata.Name!)}.{service.Metadata.NamespaceOrDefault}.svc.cluster.local:{spec?.Endpoint?.Port ?? DefaultServicePort}{path}";
    }

    public static WorkloadPlan Build(InferenceService service, Model model, InferenceServiceSettings settings)
    {
        var spec = service.Spec ?? new InferenceServiceSpec();
        var metal = IsMetal(model);
        if (RuntimeProfile.Of(spec.Runtime) is not { } profile)
            return WorkloadPlan.Failed(metal, "RuntimeNotSupported", $"spec.runtime: {spec.Runtime} is not one of llamacpp, vllm, tgi, ollama");
        if (metal) return BuildMetal(service, spec, profile);

        var gpu = GpuRequest.For(model, spec);
        var image = profile.ImageFor(gpu, spec.Image);
        var (placement, failure) = ModelPlacement.Plan(spec, model, profile, image, settings);
        if (failure is not null) return new WorkloadPlan(null, null, null, false, failure);

        var name = service.Metadata.Name!;
        var selector = Selector(name);
        var labels = Labels(name);
        labels[ModelLabel] = spec.ModelRef!;
        labels[RuntimeLabel] = profile.Runtime;
        var podLabels = new Dictionary<string, string>(spec.PodLabels ?? []);
        foreach (var (key, value) in labels) podLabels[key] = value;

        var tolerations = (spec.Tolerations ?? []).Select(t => new V1Toleration
        {
            Key = t.Key, OperatorProperty = t.Operator, Value = t.Value, Effect = t.Effect, TolerationSeconds = t.TolerationSeconds,
        }).ToList();
        // GPU nodes are usually tainted with the resource name; the taint's value differs between providers.
        if (gpu.Count > 0 && !tolerations.Any(t => t.Key == gpu.Resource))
            tolerations.Add(new V1Toleration { Key = gpu.Resource, OperatorProperty = "Exists", Effect = "NoSchedule" });

        var stopped = spec.Suspend == true || spec.Replicas == 0;
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Meta(service, name, labels),
            Spec = new V1DeploymentSpec
            {
                // With an autoscaler the replica count is its field: leaving it out of our apply hands it over.
                Replicas = stopped ? 0 : spec.Autoscaling is null ? spec.Replicas ?? 1 : null,
                Selector = new V1LabelSelector { MatchLabels = selector },
                // A GPU pod cannot surge onto a node whose GPUs the old pod holds. RollingUpdate names its numbers, so
                // they are ours and leave with a switch to Recreate (which refuses them).
                Strategy = gpu.Count > 0
                    ? new V1DeploymentStrategy { Type = "Recreate" }
                    : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels, Annotations = spec.PodAnnotations is { Count: > 0 } a ? new Dictionary<string, string>(a) : null },
                    Spec = new V1PodSpec
                    {
                        InitContainers = placement!.InitContainers.Count == 0 ? null : [.. placement.InitContainers],
                        Containers = [RuntimeContainer.Build(spec, model, profile, image, placement, gpu)],
                        Volumes = placement.Volumes.Count == 0 ? null : [.. placement.Volumes],
                        Tolerations = tolerations.Count == 0 ? null : tolerations,
                        NodeSelector = spec.NodeSelector is { Count: > 0 } n ? new Dictionary<string, string>(n) : null,
                        // Service links would put e.g. VLLM_PORT=tcp://... in the environment, which vLLM reads as its own setting.
                        EnableServiceLinks = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            FsGroup = PodFsGroup,
                            FsGroupChangePolicy = "OnRootMismatch",
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                    },
                },
            },
        };
        var autoscaler = spec.Autoscaling is { } autoscaling && !stopped ? Autoscaler(service, name, labels, autoscaling, profile) : null;
        return new WorkloadPlan(PodService(service, spec, selector), deployment, autoscaler, false, null);
    }

    private static WorkloadPlan BuildMetal(InferenceService service, InferenceServiceSpec spec, RuntimeProfile profile)
    {
        if (profile.Runtime is not (InferenceServiceLimits.RuntimeLlamaCpp or InferenceServiceLimits.RuntimeOllama))
            return WorkloadPlan.Failed(true, "RuntimeNotSupportedOnMetal", $"spec.runtime: {profile.Runtime} does not run on a Mac; a metal Model is served with llamacpp or ollama");
        var podOnly = PodOnlyFields(spec);
        if (podOnly.Count > 0)
            return WorkloadPlan.Failed(true, "FieldsNotApplicableToMetal",
                $"{string.Join(", ", podOnly)}: no effect for a metal Model (the Mac agent runs it, no pod); remove them");
        var name = service.Metadata.Name!;
        var metalService = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Meta(service, KubeNames.Sanitize(name), Labels(name)),
            // No selector: the Mac agent writes the EndpointSlices, whose port named http is where traffic goes.
            Spec = new V1ServiceSpec
            {
                Type = spec.Endpoint?.Type ?? "ClusterIP",
                Ports = [Port(spec)],
            },
        };
        return new WorkloadPlan(metalService, null, null, true, null);
    }

    // Fields that only shape a pod: a metal service has none, so setting them would do nothing.
    private static List<string> PodOnlyFields(InferenceServiceSpec spec)
    {
        var fields = new List<(string Path, bool Set)>
        {
            ("spec.image", spec.Image is not null),
            ("spec.resources", spec.Resources is not null),
            ("spec.autoscaling", spec.Autoscaling is not null),
            ("spec.env", spec.Env is { Count: > 0 }),
            ("spec.containerPort", spec.ContainerPort is not null),
            ("spec.tolerations", spec.Tolerations is { Count: > 0 }),
            ("spec.nodeSelector", spec.NodeSelector is { Count: > 0 }),
            ("spec.podAnnotations", spec.PodAnnotations is { Count: > 0 }),
            ("spec.podLabels", spec.PodLabels is { Count: > 0 }),
            ("spec.skipModelInit", spec.SkipModelInit is not null),
            ("spec.modelCache", spec.ModelCache is not null),
        };
        return [.. fields.Where(f => f.Set).Select(f => f.Path)];
    }

    private static V1Service PodService(InferenceService service, InferenceServiceSpec spec, Dictionary<string, string> selector) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Meta(service, KubeNames.Sanitize(service.Metadata.Name!), Labels(service.Metadata.Name!)),
        Spec = new V1ServiceSpec { Type = spec.Endpoint?.Type ?? "ClusterIP", Selector = selector, Ports = [Port(spec)] },
    };

    // The Service targets the container port by name, so it reaches the runtime whatever number it listens on.
    private static V1ServicePort Port(InferenceServiceSpec spec) => new()
    {
        Name = RuntimeContainer.PortName,
        Port = spec.Endpoint?.Port ?? DefaultServicePort,
        TargetPort = RuntimeContainer.PortName,
        Protocol = "TCP",
        NodePort = spec.Endpoint?.Type == "NodePort" ? spec.Endpoint.NodePort : null,
    };

    private static Dictionary<string, string> Selector(string name) => new() { [AppLabel] = name, [ServiceLabel] = name };

    private static Dictionary<string, string> Labels(string name) => new(Selector(name)) { [KubeNames.ManagedByLabel] = KubeNames.ManagedBy };

    private static V1ObjectMeta Meta(InferenceService service, string name, Dictionary<string, string> labels) => new()
    {
        Name = name,
        NamespaceProperty = service.Metadata.NamespaceOrDefault,
        Labels = new Dictionary<string, string>(labels),
        OwnerReferences = [KubeNames.OwnerReference(InferenceService.KindName, service.Metadata.Name!, service.Metadata.Uid ?? "")],
    };
}
