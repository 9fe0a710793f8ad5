using LLMKube.Gateway.Observability;
using LLMKube.Gateway.Tests.Routing;

namespace LLMKube.Gateway.Tests.Observability;

/// <summary>Metric labels a client can influence stay within what the router declares.</summary>
public sealed class PlanLabelsTests
{
    private static readonly PlanLabels Labels = new(Plans.Build(
        [Plans.Backend("a")],
        [
            Plans.Rule("chat", ["a"], models: ["gpt-4o", "llama-*", "*"], classification: ["Internal"]),
            Plans.Rule("other", ["a"], models: ["mistral"]),
        ]));

    [Theory]
    [InlineData("chat", "gpt-4o", "gpt-4o")]
    [InlineData("chat", "llama-3", "other")]   // matched by a glob: the raw name is the client's
    [InlineData("chat", "*", "other")]
    [InlineData("chat", "mistral", "other")]   // declared by another rule, not the one that matched
    [InlineData(null, "gpt-4o", "other")]      // no rule matched
    [InlineData("gone", "gpt-4o", "other")]
    [InlineData("chat", "", "")]
    public void Model_IsTheMatchedRulesLiteralModel_ElseOther(string? rule, string model, string label)
        => Assert.Equal(label, Labels.Model(rule, model));

    [Theory]
    [InlineData("internal", "internal")]
    [InlineData("pii", "pii")]                 // the router's sensitive classifications
    [InlineData("req-8f2e1c", "other")]
    [InlineData("", "")]
    public void Classification_IsOneTheRouterNames_ElseOther(string value, string label)
        => Assert.Equal(label, Labels.Classification(value));

    [Fact]
    public void Labels_AreThePlansOwnStrings()
        => Assert.Same(Labels.Plan.Config.Rules[0].Models[0], Labels.Model("chat", new string("gpt-4o".ToCharArray())));
}
