using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

/// <summary>A Gateway-mode router every check accepts: a sensitive local-only rule, a model rule over two backends and a default route.</summary>
internal static class GatewayRouters
{
    public static ModelRouter Valid() => new()
    {
        ApiVersion = KubeObject.LLMKubeApiVersion,
        Kind = ModelRouter.KindName,
        Metadata = new ObjectMeta { Name = "chat", Namespace = "team", Uid = "uid-1", Generation = 3 },
        Spec = new ModelRouterSpec
        {
            DataPlane = "Gateway",
            GatewayRef = new GatewayReference { Name = "eg", Namespace = "envoy" },
            Backends =
            [
                new RouterBackend { Name = "local", InferenceServiceRef = new LocalObjectReference { Name = "qwen" } },
                new RouterBackend { Name = "cloud", External = new ExternalProvider { Provider = "openai", Model = "gpt-4o-mini" } },
                new RouterBackend { Name = "lab", Tier = "local", External = new ExternalProvider { Provider = "litellm", Model = "llama", Url = "http://10.0.0.7:4000/proxy" } },
            ],
            Rules =
            [
                new RouterRule
                {
                    Name = "pii",
                    Match = new RuleMatch { DataClassification = ["pii", "phi"] },
                    Route = new RuleRoute { Backends = ["local", "lab"] },
                    FailClosed = true,
                },
                new RouterRule
                {
                    Name = "chat",
                    Match = new RuleMatch { Models = ["gpt-4o-mini"] },
                    Route = new RuleRoute { Backends = ["cloud", "local"] },
                    Timeout = "90s",
                },
            ],
            DefaultRoute = "local",
        },
    };

    public static ModelRouter With(Action<ModelRouterSpec> change)
    {
        var router = Valid();
        change(router.Spec!);
        return router;
    }

    public static ResourceSet Resources() => new([], [new InferenceService
    {
        Metadata = new ObjectMeta { Name = "qwen", Namespace = "team" },
        Spec = new InferenceServiceSpec { ModelRef = "qwen", Endpoint = new EndpointSpec { Port = 8000 } },
        Status = new InferenceServiceStatus { Endpoint = "http://qwen.team.svc.cluster.local:8000/v1/chat/completions" },
    }], []);

    public static RouterConfig Config(ModelRouter router)
    {
        var compiled = RouterCompiler.Compile(router, Resources());
        Assert.Empty(compiled.Errors);
        return compiled.Config!;
    }
}
