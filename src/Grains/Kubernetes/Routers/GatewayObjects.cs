using k8s.Models;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>
/// The gateway fleet of one ModelRouter: a Deployment of gateway pods, its Service, a PodDisruptionBudget, and the
/// cluster token the pods present (a Secret in the router's namespace: pods can only read Secrets of their own).
/// </summary>
public sealed record GatewayObjects(V1Deployment Deployment, V1Service Service, V1PodDisruptionBudget DisruptionBudget, V1Secret? Token);

/// <summary>How the silo starts gateway pods: image, where the cluster is, and the cluster token they present.</summary>
/// <param name="Token">The silo's own cluster token; copied into each router's namespace, never logged.</param>
public sealed record GatewaySettings(
    string Image,
    string Redis,
    string ClusterId,
    string ServiceId,
    string? Token,
    int PreStopDelaySeconds = 5,
    int TerminationGracePeriodSeconds = 120)
{
    // A record would print the token.
    public override string ToString() => $"GatewaySettings {{ Image = {Image}, Redis = {Redis}, ClusterId = {ClusterId}, ServiceId = {ServiceId} }}";
}

/// <summary>
/// The desired gateway objects of a router, as a pure function of its spec. Only the fields we own are set:
/// server-side apply leaves every other field (annotations from <c>kubectl rollout restart</c>, injected
/// sidecars) to whoever wrote it, and the config reaches pods from the Router grain, so no config hash rolls them.
/// </summary>
public static class GatewayObjectsBuilder
{
    public const int DefaultReplicas = 2;
    public const int HttpPort = 8080;

    /// <summary>The gateway's admin listener in a pod: <c>/metrics</c> for Prometheus (port name <c>metrics</c>, as LLMKube's PodMonitor expects).</summary>
    public const int MetricsPort = 9090;
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
        V1Secret? token = null;
        if (settings.Token is { Length: > 0 } value)
        {
            token = new V1Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Metadata = new V1ObjectMeta { Name = name + "-token", NamespaceProperty = ns, Labels = labels, OwnerReferences = [owner] },
                Type = "Opaque",
                StringData = new Dictionary<string, string> { ["token"] = value },
            };
            env.Add(new V1EnvVar { Name = "Cluster__Token", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = token.Metadata.Name, Key = "token" } } });
        }

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
            Args = ["--router", $"{ns}/{router.Metadata.Name}", "--redis", settings.Redis, "--urls", $"http://0.0.0.0:{HttpPort}",
                "--admin-urls", $"http://0.0.0.0:{MetricsPort}", "--log-format", "json"],
            Env = env,
            // Probes stay on the data-plane port: readiness there is what decides whether the Service sends traffic.
            Ports =
            [
                new V1ContainerPort { ContainerPort = HttpPort, Name = "http", Protocol = "TCP" },
                new V1ContainerPort { ContainerPort = MetricsPort, Name = "metrics", Protocol = "TCP" },
            ],
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
        return new GatewayObjects(deployment, service, pdb, token);
    }

    /// <summary>The in-cluster address of the router's gateway Service.</summary>
    public static string Endpoint(ModelRouter router)
        => $"http://{NameOf(router.Metadata.Name!)}.{router.Metadata.NamespaceOrDefault}.svc.cluster.local:{router.Spec?.Endpoint?.Port ?? HttpPort}{router.Spec?.Endpoint?.Path ?? "/v1/chat/completions"}";
}
