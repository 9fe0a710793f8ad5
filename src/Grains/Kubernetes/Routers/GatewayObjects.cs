using k8s.Models;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>The gateway fleet of one ModelRouter: a Deployment of gateway pods, its Service and a PodDisruptionBudget.</summary>
public sealed record GatewayObjects(V1Deployment Deployment, V1Service Service, V1PodDisruptionBudget DisruptionBudget);

/// <summary>How the silo starts gateway pods: image, where the cluster is, and the Secret with its token.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewaySettings(
    [property: Id(0)] string Image,
    [property: Id(1)] string Redis,
    [property: Id(2)] string ClusterId,
    [property: Id(3)] string ServiceId,
    [property: Id(4)] string? TokenSecret,
    [property: Id(5)] int PreStopDelaySeconds = 5,
    [property: Id(6)] int TerminationGracePeriodSeconds = 120);

/// <summary>
/// The desired gateway objects of a router, as a pure function of its spec. Only the fields we own are set:
/// server-side apply leaves every other field (annotations from <c>kubectl rollout restart</c>, injected
/// sidecars) to whoever wrote it, and the config reaches pods from the Router grain, so no config hash rolls them.
/// </summary>
public static class GatewayObjectsBuilder
{
    public const int DefaultReplicas = 2;
    public const int HttpPort = 8080;
    public const string RouterLabel = "inference.llmkube.dev/model-router";

    public static string NameOf(string router) => KubeNames.Sanitize(router) + "-router-proxy";

    public static GatewayObjects Build(ModelRouter router, string uid, GatewaySettings settings)
    {
        var ns = router.Metadata.NamespaceOrDefault;
        var name = NameOf(router.Metadata.Name!);
        var owner = KubeNames.OwnerReference(ModelRouter.KindName, router.Metadata.Name!, uid);
        var selector = new Dictionary<string, string> { ["app"] = name, [RouterLabel] = router.Metadata.Name! };
        var labels = new Dictionary<string, string>(selector)
        {
            ["app.kubernetes.io/name"] = "llmkube-orleans",
            ["app.kubernetes.io/component"] = "gateway",
            [KubeNames.ManagedByLabel] = KubeNames.ManagedBy,
        };
        var meta = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, OwnerReferences = [owner] };
        var port = router.Spec?.Endpoint?.Port ?? HttpPort;

        var env = new List<V1EnvVar>
        {
            new() { Name = "Cluster__Redis", Value = settings.Redis },
            new() { Name = "Cluster__ClusterId", Value = settings.ClusterId },
            new() { Name = "Cluster__ServiceId", Value = settings.ServiceId },
            new() { Name = "Shutdown__Delay", Value = TimeSpan.FromSeconds(settings.PreStopDelaySeconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (settings.TokenSecret is { Length: > 0 } secret)
            env.Add(new V1EnvVar { Name = "Cluster__Token", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = "token" } } });

        var probe = (string path, int period) => new V1Probe
        {
            HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
            PeriodSeconds = period,
            TimeoutSeconds = 2,
            FailureThreshold = 3,
        };
        var container = new V1Container
        {
            Name = "gateway",
            Image = settings.Image,
            Args = ["--router", $"{ns}/{router.Metadata.Name}", "--redis", settings.Redis, "--urls", $"http://0.0.0.0:{HttpPort}", "--log-format", "json"],
            Env = env,
            Ports = [new V1ContainerPort { ContainerPort = HttpPort, Name = "http", Protocol = "TCP" }],
            ReadinessProbe = probe("/readyz", 5),
            LivenessProbe = probe("/healthz", 10),
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("96Mi") },
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") },
            },
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                RunAsNonRoot = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = meta,
            Spec = new V1DeploymentSpec
            {
                Replicas = router.Spec?.Proxy?.Replicas ?? DefaultReplicas,
                Selector = new V1LabelSelector { MatchLabels = selector },
                // One new pod before an old one goes, so a one-replica router never has zero gateways during a roll.
                Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        // The gateway stops itself on SIGTERM: not-ready at once, serving for the delay, then draining streams.
                        TerminationGracePeriodSeconds = settings.TerminationGracePeriodSeconds,
                        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
                        AutomountServiceAccountToken = false,
                    },
                },
            },
        };
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = meta,
            Spec = new V1ServiceSpec
            {
                Type = router.Spec?.Endpoint?.Type ?? "ClusterIP",
                Selector = selector,
                Ports = [new V1ServicePort { Port = port, Name = "http", Protocol = "TCP", TargetPort = "http" }],
            },
        };
        var pdb = new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = meta,
            Spec = new V1PodDisruptionBudgetSpec { MaxUnavailable = 1, Selector = new V1LabelSelector { MatchLabels = selector } },
        };
        return new GatewayObjects(deployment, service, pdb);
    }

    /// <summary>The in-cluster address of the router's gateway Service.</summary>
    public static string Endpoint(ModelRouter router)
        => $"http://{NameOf(router.Metadata.Name!)}.{router.Metadata.NamespaceOrDefault}.svc.cluster.local:{router.Spec?.Endpoint?.Port ?? HttpPort}{router.Spec?.Endpoint?.Path ?? "/v1/chat/completions"}";
}
