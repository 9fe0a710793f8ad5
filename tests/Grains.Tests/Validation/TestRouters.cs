using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Tests.Validation;

/// <summary>A valid router with a sensitive local-only rule and a cloud rule, for tests to break one field at a time.</summary>
internal static class TestRouters
{
    public static ModelRouter Valid() => new()
    {
        ApiVersion = KubeObject.LLMKubeApiVersion,
        Kind = ModelRouter.KindName,
        Metadata = new ObjectMeta { Name = "my-router", Namespace = "team" },
        Spec = new ModelRouterSpec
        {
            Backends =
            [
                new RouterBackend { Name = "local-qwen", InferenceServiceRef = new LocalObjectReference { Name = "qwen3-coder" } },
                new RouterBackend
                {
                    Name = "cloud-opus",
                    Tier = "cloud",
                    External = new ExternalProvider { Provider = "anthropic", Model = "claude-opus-4-7" },
                },
            ],
            Rules =
            [
                new RouterRule
                {
                    Name = "pii-stays-local",
                    Match = new RuleMatch { DataClassification = ["pii"] },
                    Route = new RuleRoute { Backends = ["local-qwen"] },
                    FailClosed = true,
                },
                new RouterRule
                {
                    Name = "complex-to-cloud",
                    Match = new RuleMatch { TaskComplexity = "complex" },
                    Route = new RuleRoute { Backends = ["cloud-opus", "local-qwen"] },
                },
            ],
            DefaultRoute = "local-qwen",
        },
    };

    /// <summary>Asserts that <paramref name="router"/> fails validation with exactly <paramref name="expected"/>, in order.</summary>
    public static void AssertErrors(ModelRouter router, params string[] expected) =>
        Assert.Equal(expected, ModelRouterValidator.Validate(router).Select(e => e.ToString()));

    public static ModelRouter With(Action<ModelRouterSpec> change)
    {
        var router = Valid();
        change(router.Spec!);
        return router;
    }
}
