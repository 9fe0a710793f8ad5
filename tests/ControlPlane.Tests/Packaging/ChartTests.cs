using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Silo.Webhooks;

namespace LLMKube.ControlPlane.Tests.Packaging;

/// <summary>The Helm chart, rendered as <c>helm template</c> does and applied to the real API server.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class ChartTests(ApiServerFixture api)
{
    [ChartApiServerFact]
    public async Task TheDefaultChart_RendersObjectsTheApiServerAccepts()
    {
        var ns = await api.CreateNamespaceAsync("chart");
        var chart = await RenderAsync("llmkube-orleans", ns);

        var silo = chart.Single("Deployment", "llmkube-orleans-silo");
        var pod = silo["spec"]!["template"]!;
        Assert.Equal("llmkube", (string?)pod["metadata"]!["labels"]!["orleans/serviceId"]);
        Assert.Equal("llmkube", (string?)pod["metadata"]!["labels"]!["orleans/clusterId"]);
        var container = pod["spec"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().Select(e => (string?)e!["name"]).ToList();
        Assert.Subset(env.ToHashSet(), new HashSet<string?> { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID", "LLMKUBE_Cluster__Token" });
        Assert.Contains($"llmkube-orleans-redis.{ns}.svc.cluster.local:6379", container["args"]!.AsArray().Select(a => (string?)a));
        Assert.True((bool)pod["spec"]!["securityContext"]!["runAsNonRoot"]!);
        Assert.True((bool)container["securityContext"]!["readOnlyRootFilesystem"]!);
        Assert.Equal("Fail", (string?)chart.Single("ValidatingWebhookConfiguration", "llmkube-orleans")["webhooks"]![0]!["failurePolicy"]);
        chart.Single("Secret", "llmkube-orleans-cluster-token");
        chart.Single("PodDisruptionBudget", "llmkube-orleans-silo");

        await DryRunAsync(chart.Yaml);
    }

    /// <summary>The silos keep the caBundle of the chart's webhook registrations current by webhook name: both must agree.</summary>
    [ChartFact]
    public async Task TheWebhookRegistrations_AreWhatTheSiloDescribes()
    {
        var chart = await RenderAsync("llmkube-orleans", "llmkube-system");
        var endpoint = WebhookEndpoint.ForService("llmkube-system", "llmkube-orleans-webhook");
        var expected = new Dictionary<string, JsonNode>
        {
            ["ValidatingWebhookConfiguration"] = JsonNode.Parse(KubernetesJson.Serialize(WebhookConfigurations.Validating("llmkube-orleans", endpoint, null)))!,
            ["MutatingWebhookConfiguration"] = JsonNode.Parse(KubernetesJson.Serialize(WebhookConfigurations.Mutating("llmkube-orleans", endpoint, null)))!,
        };
        foreach (var (kind, described) in expected)
        {
            var rendered = chart.Single(kind, "llmkube-orleans");
            Assert.Equal(RenderedChart.Canonical(described["webhooks"]), RenderedChart.Canonical(rendered["webhooks"]));
        }
    }

    [ChartApiServerFact]
    public async Task OpenShiftValues_LeaveUserGroupAndFsGroupToTheSecurityContextConstraints()
    {
        var ns = await api.CreateNamespaceAsync("chart-os");
        var render = await ChartRenderer.RenderAsync("llmkube", ns, Path.Combine(ChartRenderer.Chart, "values-openshift.yaml"));
        Assert.True(render.ExitCode == 0, render.StdErr);
        var chart = new RenderedChart(render.StdOut);

        foreach (var key in new[] { "runAsUser", "runAsGroup", "fsGroup" }) Assert.Empty(RenderedChart.FindAll(new JsonArray([.. chart.Objects.Select(o => o.DeepClone())]), key));
        Assert.All(chart.OfKind("Deployment"), d => Assert.True((bool)d["spec"]!["template"]!["spec"]!["securityContext"]!["runAsNonRoot"]!));
        await DryRunAsync(chart.Yaml);
    }

    [ChartApiServerFact]
    public async Task CertManagerMode_MountsTheIssuedCertificate_AndAsksForCaInjection()
    {
        var ns = await api.CreateNamespaceAsync("chart-cm");
        var chart = await RenderWithAsync("llmkube-orleans", ns, "webhook: {certManager: {enabled: true}}");

        var certificate = chart.Single("Certificate", "llmkube-orleans-webhook");
        Assert.Equal("llmkube-orleans-webhook-tls", (string?)certificate["spec"]!["secretName"]);
        Assert.Contains($"llmkube-orleans-webhook.{ns}.svc", certificate["spec"]!["dnsNames"]!.AsArray().Select(n => (string?)n));
        chart.Single("Issuer", "llmkube-orleans-webhook");
        foreach (var kind in new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" })
            Assert.Equal($"{ns}/llmkube-orleans-webhook", (string?)chart.Single(kind, "llmkube-orleans")["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
        var env = chart.Single("Deployment", "llmkube-orleans-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Contains(env, e => (string?)e!["name"] == "LLMKUBE_Silo__Webhook__CertificateDirectory");
        Assert.DoesNotContain(env, e => (string?)e!["name"] == "LLMKUBE_Silo__Webhook__CertificateSecret");
        // No rights on webhook configurations: cert-manager injects the CA.
        Assert.DoesNotContain(chart.OfKind("ClusterRole"), r => ((string?)r["metadata"]!["name"])!.EndsWith("-webhook-ca", StringComparison.Ordinal));

        // This API server has no cert-manager CRDs: the rest must still apply.
        await DryRunAsync(chart.Without("Certificate", "Issuer"));
    }

    [ChartApiServerFact]
    public async Task WatchNamespaces_GrantRolesThere_InsteadOfAClusterRole()
    {
        var ns = await api.CreateNamespaceAsync("chart-ns");
        var watched = await api.CreateNamespaceAsync("team");
        var chart = await RenderWithAsync("llmkube-orleans", ns, $"silo: {{watchNamespaces: [{watched}]}}");

        Assert.DoesNotContain(chart.OfKind("ClusterRole"), r => (string?)r["metadata"]!["name"] == "llmkube-orleans-reconciler");
        var role = chart.OfKind("Role").Single(r => (string?)r["metadata"]!["name"] == "llmkube-orleans-reconciler");
        Assert.Equal(watched, (string?)role["metadata"]!["namespace"]);
        var env = chart.Single("Deployment", "llmkube-orleans-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Contains(env, e => (string?)e!["name"] == "LLMKUBE_Silo__Kubernetes__Namespaces__0" && (string?)e["value"] == watched);
        await DryRunAsync(chart.Yaml);
    }

    [ChartApiServerFact]
    public async Task Observability_DashboardConfigMapAndDashboardCredentialsByDefault_MonitorsRulesAndPolicyOnRequest()
    {
        var ns = await api.CreateNamespaceAsync("chart-obs");
        var defaults = await RenderAsync("llmkube-orleans", ns);
        var dashboard = defaults.Single("ConfigMap", "llmkube-orleans-grafana-dashboard");
        Assert.Equal("1", (string?)dashboard["metadata"]!["labels"]!["grafana_dashboard"]);
        var json = System.Text.Json.JsonDocument.Parse((string)dashboard["data"]!["llmkube-router.json"]!);
        Assert.Equal("llmkube-router", json.RootElement.GetProperty("uid").GetString());
        // The Orleans dashboard is protected: a generated password in a Secret, read by the silo from the environment.
        var secret = defaults.Single("Secret", "llmkube-orleans-orleans-dashboard");
        Assert.Equal("admin", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["username"]!)));
        Assert.Equal(24, Convert.FromBase64String((string)secret["data"]!["password"]!).Length);
        var env = defaults.Single("Deployment", "llmkube-orleans-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        foreach (var setting in new[] { "Username", "Password", "Token" })
        {
            var variable = env.Single(e => (string?)e!["name"] == $"LLMKUBE_Dashboard__{setting}")!;
            Assert.Equal("llmkube-orleans-orleans-dashboard", (string?)variable["valueFrom"]!["secretKeyRef"]!["name"]);
        }
        Assert.Empty(defaults.OfKind("ServiceMonitor").Concat(defaults.OfKind("PodMonitor")).Concat(defaults.OfKind("PrometheusRule")).Concat(defaults.OfKind("NetworkPolicy")));

        var chart = await RenderWithAsync("llmkube-orleans", ns, """
            metrics: {serviceMonitor: {enabled: true, labels: {release: kps}}, podMonitor: {enabled: true}, prometheusRule: {enabled: true}}
            networkPolicy: {enabled: true, extraOrleansPeers: [{ipBlock: {cidr: 10.8.0.0/24}}]}
            orleansDashboard: {allowAnonymous: true}
            """);
        var monitor = chart.Single("ServiceMonitor", "llmkube-orleans-silo");
        Assert.Equal("kps", (string?)monitor["metadata"]!["labels"]!["release"]);
        Assert.Equal("admin", (string?)monitor["spec"]!["endpoints"]![0]!["port"]);
        var pods = chart.Single("PodMonitor", "llmkube-orleans-gateways");
        Assert.Equal("metrics", (string?)pods["spec"]!["podMetricsEndpoints"]![0]!["port"]);
        Assert.Equal("gateway", (string?)pods["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/component"]);
        var groups = chart.Single("PrometheusRule", "llmkube-orleans")["spec"]!["groups"]!.AsArray();
        Assert.Equal(["LLMKubeBackendQuarantined", "LLMKubeFailClosedRefusals", "LLMKubeRoutingSnapshotStale", "LLMKubeReconcileErrors", "LLMKubeWatchFailing"],
            groups.SelectMany(g => g!["rules"]!.AsArray()).Select(r => (string?)r!["alert"]));
        var policy = chart.Single("NetworkPolicy", "llmkube-orleans-silo");
        var orleans = policy["spec"]!["ingress"]![0]!;
        Assert.Equal([11111, 30000], orleans["ports"]!.AsArray().Select(p => (int)p!["port"]!));
        Assert.Equal(3, orleans["from"]!.AsArray().Count); // the silos, the gateways in any namespace, the extra peer
        Assert.Null(policy["spec"]!["ingress"]![1]!["from"]); // admin and webhook: probes, Prometheus and the API server
        Assert.DoesNotContain(chart.OfKind("Secret"), s => (string?)s["metadata"]!["name"] == "llmkube-orleans-orleans-dashboard");
        Assert.Contains(chart.Single("Deployment", "llmkube-orleans-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray(),
            e => (string?)e!["name"] == "LLMKUBE_Dashboard__AllowAnonymous" && (string?)e["value"] == "true");

        // This API server has no Prometheus Operator CRDs: the rest, the NetworkPolicy included, must apply.
        await DryRunAsync(defaults.Yaml);
        await DryRunAsync(chart.Without("ServiceMonitor", "PodMonitor", "PrometheusRule"));
    }

    [ChartFact]
    public async Task InvalidValues_AreRefusedWithTheSchemasMessage()
    {
        var noRedis = await ChartRenderer.RenderWithAsync("llmkube", "ns", "redis: {bundled: false}");
        Assert.NotEqual(0, noRedis.ExitCode);
        Assert.Contains("redis.address", noRedis.StdErr);

        var typo = await ChartRenderer.RenderWithAsync("llmkube", "ns", "silo: {replica: 3}");
        Assert.NotEqual(0, typo.ExitCode);
        Assert.Contains("replica", typo.StdErr);

        var interval = await ChartRenderer.RenderWithAsync("llmkube", "ns", "metrics: {podMonitor: {enabled: true, interval: soon}}");
        Assert.NotEqual(0, interval.ExitCode);
        Assert.Contains("metrics.podMonitor.interval", interval.StdErr);

        var external = await ChartRenderer.RenderWithAsync("llmkube-orleans", "ns", "redis: {bundled: false, address: 'redis.example:6379'}");
        Assert.True(external.ExitCode == 0, external.StdErr);
        var chart = new RenderedChart(external.StdOut);
        Assert.DoesNotContain(chart.OfKind("Service"), s => ((string?)s["metadata"]!["name"])!.EndsWith("-redis", StringComparison.Ordinal));
        Assert.Contains("redis.example:6379", chart.Single("Deployment", "llmkube-orleans-silo").ToJsonString());
    }

    /// <summary>
    /// The silo's service account, with exactly the chart's RBAC, runs the control plane: a kubectl-applied router
    /// gets its gateway fleet and status. And it may not do what it never needs.
    /// </summary>
    [ChartApiServerFact]
    public async Task TheChartsRbac_IsEnoughToReconcile_AndNoMore()
    {
        var ns = await api.CreateNamespaceAsync("chart-rbac");
        var (identity, subject) = await ChartIdentityAsync(ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], identity: identity);
        var router = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {name: chat, namespace: {{ns}}}
            spec:
              backends:
              - name: cloud
                external: {provider: openai, model: gpt-4o-mini, url: "http://127.0.0.1:9"}
              rules:
              - name: all
                route: {backends: [cloud]}
            """, "apply", "-f", "-");
        Assert.True(router.ExitCode == 0, router.StdErr);

        var deployment = await Eventually.GetAsync(async () =>
        {
            try { return await api.Client.AppsV1.ReadNamespacedDeploymentAsync("chat-router-proxy", ns); }
            catch (k8s.Autorest.HttpOperationException) { return null; }
        }, d => d is not null, what: "the gateway Deployment written by the silo's service account");
        Assert.Equal(KubeNames.FieldManager, deployment!.Metadata.ManagedFields.Single().Manager);
        await Eventually.GetAsync(async () =>
        {
            var mr = await api.Client.CustomObjects.GetNamespacedCustomObjectStatusAsync<JsonObject>(KubeNames.Group, KubeNames.Version, ns, "modelrouters", "chat");
            return mr["status"]?["phase"]?.GetValue<string>();
        }, phase => phase is not null, what: "router status written by the silo's service account");

        var model = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: Model
            metadata: {name: llama, namespace: {{ns}}}
            spec: {source: "meta-llama/Llama-3.2-1B-Instruct", format: safetensors}
            """, "apply", "-f", "-");
        Assert.True(model.ExitCode == 0, model.StdErr);
        await Eventually.GetAsync(async () =>
        {
            var mdl = await api.Client.CustomObjects.GetNamespacedCustomObjectStatusAsync<JsonObject>(KubeNames.Group, KubeNames.Version, ns, "models", "llama");
            return mdl["status"]?["phase"]?.GetValue<string>();
        }, phase => phase == "Ready", what: "model status written by the silo's service account");

        var service = await api.KubectlWithInputAsync($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: InferenceService
            metadata: {name: llama, namespace: {{ns}}}
            spec:
              modelRef: llama
              runtime: vllm
              resources: {cpu: "1"}
              autoscaling: {maxReplicas: 2}
            """, "apply", "-f", "-");
        Assert.True(service.ExitCode == 0, service.StdErr);
        await Eventually.GetAsync(() => api.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("llama", ns), _ => true, what: "the HPA");
        var unscaled = await api.KubectlAsync("patch", "isvc", "llama", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/spec/autoscaling"}]""");
        Assert.True(unscaled.ExitCode == 0, unscaled.StdErr);
        await Eventually.GetAsync(async () => (await api.Client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns)).Items, items => items.Count == 0, what: "the HPA deleted");

        foreach (var (verb, resource) in new[] { ("delete", "deployments"), ("get", "configmaps"), ("delete", "secrets"), ("create", "pods"), ("update", "modelrouters") })
        {
            var can = await api.KubectlAsync("auth", "can-i", verb, resource, "-n", ns, "--as", subject);
            Assert.True(can.StdOut.Trim() == "no", $"{subject} may {verb} {resource}: {can.StdOut}{can.StdErr}");
        }
    }

    /// <summary>
    /// Gateway mode as the chart's service account: the generated Envoy AI Gateway objects are written, pruned and
    /// removed with exactly the chart's rules, which grant nothing on Gateway API objects.
    /// </summary>
    [ChartGatewayApiServerFact]
    public async Task TheChartsRbac_IsEnoughForGatewayMode_AndNoMore()
    {
        await GatewayCrds.InstallAsync(api);
        var ns = await api.CreateNamespaceAsync("chart-gw");
        var (identity, subject) = await ChartIdentityAsync(ns);
        await using var silo = await ControlPlaneSilo.StartAsync(api, "svc-" + ns, [ns], identity: identity);
        var steps = new Gateways.GatewaySteps(api, ns);

        await steps.ApplyAsync(steps.Router());
        var route = await steps.ObjectAsync(GatewayKinds.AIGatewayRoute, "chat");
        Assert.Equal(KubeNames.FieldManager, (string?)route["metadata"]!["managedFields"]![0]!["manager"]);
        await steps.RouterStatusAsync("chat", s => Gateways.GatewaySteps.Reason(s, "GatewayReady") == GatewayReasons.Exposed, "exposed by the service account");
        Assert.Equal(["chat"], await steps.NamesAsync(GatewayKinds.SecurityPolicy));
        Assert.Equal(["chat"], await steps.NamesAsync(GatewayKinds.BackendTrafficPolicy));

        await steps.ApplyAsync(steps.Router(change: s => { s.DataPlane = "Proxy"; s.Policy = null; }));
        foreach (var kind in GatewayKinds.ForRouter)
            await Eventually.GetAsync(async () => await steps.NamesAsync(kind), names => names.Count == 0, what: $"{kind.Kind} removed by the service account");

        foreach (var (verb, resource) in new[] { ("get", "aigatewayroutes.aigateway.envoyproxy.io"), ("update", "backends.gateway.envoyproxy.io"),
            ("watch", "securitypolicies.gateway.envoyproxy.io"), ("get", "gateways.gateway.networking.k8s.io"), ("create", "httproutes.gateway.networking.k8s.io"),
            ("create", "backendsecuritypolicies.aigateway.envoyproxy.io") })
        {
            var can = await api.KubectlAsync("auth", "can-i", verb, resource, "-n", ns, "--as", subject);
            Assert.True(can.StdOut.Trim() == "no", $"{subject} may {verb} {resource}: {can.StdOut}{can.StdErr}");
        }
    }

    // The chart's RBAC applied, and a token of its silo service account: the identity the control plane then runs as.
    private async Task<(KubernetesClientConfiguration Identity, string Subject)> ChartIdentityAsync(string ns)
    {
        var release = "rbac-" + ns[^8..];
        var chart = await RenderAsync(release, ns);
        string[] rbacKinds = ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
        var rbac = chart.ListOf(o => rbacKinds.Contains((string?)o["kind"]));
        var apply = await api.KubectlWithInputAsync(rbac, "apply", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr);

        var account = $"{release}-llmkube-orleans-silo";
        var token = await api.KubectlAsync("create", "token", account, "-n", ns, "--duration=1h");
        Assert.True(token.ExitCode == 0, token.StdErr);
        var identity = new KubernetesClientConfiguration { Host = api.Config.Host, SslCaCerts = api.Config.SslCaCerts, AccessToken = token.StdOut.Trim() };
        return (identity, $"system:serviceaccount:{ns}:{account}");
    }

    private async Task<RenderedChart> RenderAsync(string release, string ns)
    {
        var render = await ChartRenderer.RenderAsync(release, ns);
        Assert.True(render.ExitCode == 0, render.StdErr);
        return new RenderedChart(render.StdOut);
    }

    private static async Task<RenderedChart> RenderWithAsync(string release, string ns, string values)
    {
        var render = await ChartRenderer.RenderWithAsync(release, ns, values);
        Assert.True(render.ExitCode == 0, render.StdErr);
        return new RenderedChart(render.StdOut);
    }

    // A server-side dry run: schema validation, defaulting and admission, nothing stored.
    private async Task DryRunAsync(string yaml)
    {
        var apply = await api.KubectlWithInputAsync(yaml, "apply", "--dry-run=server", "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.StdErr + apply.StdOut);
    }
}
