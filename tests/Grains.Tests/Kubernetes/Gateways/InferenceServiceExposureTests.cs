using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

public sealed class InferenceServiceExposureTests
{
    private static InferenceService Service(string? modelName = null, int? port = null, string? gatewayNamespace = null) => new()
    {
        Metadata = new ObjectMeta { Name = "qwen.coder", Namespace = "ml", Uid = "u-9" },
        Spec = new InferenceServiceSpec
        {
            ModelRef = "qwen3",
            Endpoint = new EndpointSpec
            {
                Port = port,
                Gateway = new GatewayExposureSpec { Enabled = true, ModelName = modelName, GatewayRef = new GatewayReference { Name = "eg", Namespace = gatewayNamespace } },
            },
        },
    };

    [Fact]
    public void AnExposedService_GetsABackendAnAIServiceBackendAndARoute_NamedAfterIt_AndOwnedByIt()
    {
        var exposure = InferenceServiceExposure.Build(Service());

        Assert.Equal([("Backend", "qwen-coder"), ("AIServiceBackend", "qwen-coder"), ("AIGatewayRoute", "qwen-coder")], exposure.Objects.Select(o => (o.Kind.Kind, o.Name)));
        Assert.All(exposure.Objects, o =>
        {
            Assert.Equal("InferenceService", (string?)o.Object["metadata"]!["ownerReferences"]![0]!["kind"]);
            Assert.Equal("qwen.coder", (string?)o.Object["metadata"]!["labels"]!["inference.llmkube.dev/service"]);
        });
        Assert.Equal("""{"endpoints":[{"fqdn":{"hostname":"qwen-coder.ml.svc.cluster.local","port":8080}}]}""", exposure.Objects[0].Object["spec"]!.ToJsonString());
        Assert.Equal("""{"schema":{"name":"OpenAI"},"backendRef":{"name":"qwen-coder","kind":"Backend","group":"gateway.envoyproxy.io"}}""", exposure.Objects[1].Object["spec"]!.ToJsonString());
        Assert.Equal(
            """{"parentRefs":[{"name":"eg","kind":"Gateway","group":"gateway.networking.k8s.io"}],"rules":[{"matches":[{"headers":[{"type":"Exact","name":"x-ai-eg-model","value":"qwen3"}]}],"backendRefs":[{"name":"qwen-coder"}]}]}""",
            exposure.Objects[2].Object["spec"]!.ToJsonString());
        Assert.Equal(("qwen3", "gateway ml/eg"), (exposure.ModelName, exposure.Endpoint));
    }

    [Theory]
    [InlineData("coder", 9000, "envoy", "coder", 9000, "gateway envoy/eg")]
    [InlineData(null, null, null, "qwen3", 8080, "gateway ml/eg")]
    public void TheModelName_Port_AndGateway_ComeFromTheSpec(string? modelName, int? port, string? ns, string model, int backendPort, string endpoint)
    {
        var exposure = InferenceServiceExposure.Build(Service(modelName, port, ns));

        Assert.Equal((model, endpoint), (exposure.ModelName, exposure.Endpoint));
        Assert.Equal(backendPort, (int)exposure.Objects[0].Object["spec"]!["endpoints"]![0]!["fqdn"]!["port"]!);
    }

    [Fact]
    public void OnlyAnEnabledExposureWithAGateway_IsWanted()
    {
        Assert.True(InferenceServiceExposure.Wanted(Service()));
        var off = Service();
        off.Spec!.Endpoint!.Gateway!.Enabled = false;
        Assert.False(InferenceServiceExposure.Wanted(off));
        Assert.False(InferenceServiceExposure.Wanted(new InferenceService { Spec = new InferenceServiceSpec() }));
    }
}
