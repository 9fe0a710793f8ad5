using k8s;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Routers;

namespace LLMKube.Grains.Tests.Kubernetes.Routers;

public sealed class GatewayObjectsBuilderTests
{
    private static readonly GatewaySettings Settings = new("registry.local/gateway:1", "redis:6379", "cid", "sid", "s3cret-token");

    private static ModelRouter Router(int? replicas = null, int? port = null, string name = "chat.prod") => new()
    {
        ApiVersion = KubeObject.LLMKubeApiVersion,
        Kind = ModelRouter.KindName,
        Metadata = new ObjectMeta { Name = name, Namespace = "team-a", Uid = "uid-1", Generation = 3 },
        Spec = new ModelRouterSpec
        {
            Proxy = replicas is null ? null : new RouterProxySpec { Replicas = replicas },
            Endpoint = port is null ? null : new EndpointSpec { Port = port },
        },
    };

    [Fact]
    public void TheDeployment_RunsTheGatewayForThisRouter_JoinedToTheCluster()
    {
        var objects = GatewayObjectsBuilder.Build(Router(), "uid-1", Settings);
        var deployment = objects.Deployment;

        Assert.Equal("chat-prod-router-proxy", deployment.Metadata.Name);
        Assert.Equal("team-a", deployment.Metadata.NamespaceProperty);
        Assert.Equal(GatewayObjectsBuilder.DefaultReplicas, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("registry.local/gateway:1", container.Image);
        Assert.Equal(["--router", "team-a/chat.prod", "--redis", "redis:6379", "--urls", "http://0.0.0.0:8080", "--admin-urls", "http://0.0.0.0:9090",
            "--log-format", "json"], container.Args);
        // Prometheus scrapes the admin listener by its port name, as LLMKube's PodMonitor does; probes stay on the data plane.
        Assert.Equal([("http", 8080), ("metrics", 9090)], container.Ports.Select(p => (p.Name, p.ContainerPort)));
        Assert.Equal("http", container.ReadinessProbe.HttpGet.Port.Value);
        var token = Assert.Single(container.Env, e => e.Name == "Cluster__Token");
        Assert.Null(token.Value);
        Assert.Equal("chat-prod-router-proxy-token", token.ValueFrom.SecretKeyRef.Name);
        // The pods read the token from a Secret in their own namespace, which the silo writes from its own token.
        Assert.Equal(("chat-prod-router-proxy-token", "team-a"), (objects.Token!.Metadata.Name, objects.Token.Metadata.NamespaceProperty));
        Assert.Equal("s3cret-token", objects.Token.StringData["token"]);
        Assert.DoesNotContain("s3cret", Settings.ToString());
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(0, deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value == "0" ? 0 : int.Parse(deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
    }

    [Fact]
    public void EveryObject_IsOwnedByTheRouter_WithoutBlockingDeletion()
    {
        var objects = GatewayObjectsBuilder.Build(Router(), "uid-1", Settings);
        foreach (var meta in new[] { objects.Deployment.Metadata, objects.Service.Metadata, objects.DisruptionBudget.Metadata, objects.Token!.Metadata })
        {
            var owner = Assert.Single(meta.OwnerReferences);
            Assert.Equal(("inference.llmkube.dev/v1alpha1", "ModelRouter", "chat.prod", "uid-1"), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
            Assert.True(owner.Controller);
            Assert.False(owner.BlockOwnerDeletion);
        }
    }

    [Fact]
    public void TheService_TargetsTheNamedContainerPort()
    {
        var service = GatewayObjectsBuilder.Build(Router(port: 9000), "uid-1", Settings).Service;
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(9000, port.Port);
        Assert.Equal("http", port.TargetPort.Value);
        Assert.Equal(service.Spec.Selector, GatewayObjectsBuilder.Build(Router(), "uid-1", Settings).Deployment.Spec.Selector.MatchLabels);
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    public void Replicas_ComeFromSpecProxy_DefaultTwo(int? replicas, int expected)
        => Assert.Equal(expected, GatewayObjectsBuilder.Build(Router(replicas), "uid-1", Settings).Deployment.Spec.Replicas);

    [Fact]
    public void AppliedObjects_CarryApiVersionAndKind_AndNoStatusOrForeignFields()
    {
        var objects = GatewayObjectsBuilder.Build(Router(), "uid-1", Settings);
        var json = KubernetesJson.Serialize(objects.Deployment);
        Assert.Contains("\"apiVersion\":\"apps/v1\"", json);
        Assert.Contains("\"kind\":\"Deployment\"", json);
        Assert.DoesNotContain("\"status\"", json);
        // Pod-template annotations are not ours: with server-side apply, others' annotations (rollout restart) stay.
        Assert.Null(objects.Deployment.Spec.Template.Metadata.Annotations);
        Assert.Equal("policy/v1", objects.DisruptionBudget.ApiVersion);
    }

    [Fact]
    public void TheEndpoint_IsTheServiceClusterAddress()
        => Assert.Equal("http://chat-prod-router-proxy.team-a.svc.cluster.local:8080/v1/chat/completions", GatewayObjectsBuilder.Endpoint(Router()));
}
