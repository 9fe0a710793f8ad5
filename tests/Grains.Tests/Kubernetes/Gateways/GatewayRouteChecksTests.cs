using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;
using LLMKube.Grains.Validation;
using static LLMKube.Grains.Tests.Kubernetes.Gateways.GatewayRouters;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

/// <summary>Every reason a router cannot be compiled onto Envoy AI Gateway, one spec change each.</summary>
public sealed class GatewayRouteChecksTests
{
    private static readonly Dictionary<string, Action<ModelRouterSpec>> _changes = new()
    {
        ["no gatewayRef"] = s => s.GatewayRef = null,
        ["taskComplexity"] = s => s.Rules![1].Match!.TaskComplexity = "complex",
        ["requiredCapabilities"] = s => s.Rules![1].Match!.RequiredCapabilities = ["code"],
        ["latencySLOMs"] = s => s.Rules![1].Match!.LatencySLOMs = 200,
        ["glob model"] = s => s.Rules![1].Match!.Models = ["gpt-*"],
        ["classification by detector"] = s => s.Policy = new RouterPolicy { Classification = new ClassificationPolicy { Mode = "detector" } },
        ["shadow"] = s => s.Rules![1].Route!.Strategy = "shadow",
        ["bad header name"] = s => s.Rules![0].Match!.Headers = new() { ["x team"] = "a" },
        ["model header"] = s => s.Rules![0].Match!.Headers = new() { ["X-AI-EG-Model"] = "a" },
        ["classification header"] = s => s.Rules![0].Match!.Headers = new() { ["x-llmkube-classification"] = "pii" },
        ["maxUSD"] = s => s.Policy = Budget(new BudgetSpec { Name = "b", Scope = "router", MaxTokens = 10, MaxUSD = "5" }),
        ["rule scope"] = s => s.Policy = Budget(new BudgetSpec { Name = "b", Scope = "rule", RuleName = "chat", MaxTokens = 10 }),
        ["no maxTokens"] = s => s.Policy = Budget(new BudgetSpec { Name = "b", Scope = "router" }),
        ["budget beyond Envoy"] = s => s.Policy = Budget(new BudgetSpec { Name = "b", Scope = "router", MaxTokens = 1_000_000_000_000_000, WindowSeconds = 60 }),
        ["jwt without issuer"] = s => s.Policy = Auth(new JwtAuth { Provider = "p", JwksURI = "https://idp/jwks", TeamClaim = "team" }),
        ["jwt with a relative jwksURI"] = s => s.Policy = Auth(new JwtAuth { Provider = "p", Issuer = "i", JwksURI = "/jwks", TeamClaim = "team" }),
        ["allowlists without jwt"] = s => s.Policy = new RouterPolicy { Auth = new AuthPolicy { Allowlists = [new TeamAllowlist { Team = "ml" }] } },
        ["empty team"] = s => s.Policy = Auth(Jwt(), new TeamAllowlist { Team = "" }),
        ["team with whitespace"] = s => s.Policy = Auth(Jwt(), new TeamAllowlist { Team = " ml" }),
        ["duplicate team"] = s => s.Policy = Auth(Jwt(), new TeamAllowlist { Team = "ml" }, new TeamAllowlist { Team = "ml" }),
        ["auditLog"] = s => s.Policy = new RouterPolicy { AuditLog = new AuditLogPolicy { Sink = "stdout" } },
        ["sensitive rule not failClosed"] = s => s.Rules![0].FailClosed = false,
        ["sensitive rule to the cloud"] = s => s.Rules![0].Route!.Backends = ["local", "cloud"],
        ["endpoint"] = s => s.Endpoint = new EndpointSpec { Port = 80 },
        ["proxy replicas"] = s => s.Proxy = new RouterProxySpec { Replicas = 3 },
        ["healthCheck"] = s => s.Backends![0].HealthCheck = new HealthCheckSpec { Path = "/health" },
        ["costPerMillionTokens"] = s => s.Backends![1].CostPerMillionTokens = new CostPerMillionTokens { PromptUSD = "1" },
        ["capabilities"] = s => s.Backends![0].Capabilities = ["code"],
        ["mock provider"] = s => s.Backends![2].External = new ExternalProvider { Provider = "mock", Model = "m" },
        ["credentials"] = s => s.Backends![1].External!.CredentialsSecretRef = new LocalObjectReference { Name = "openai" },
        ["a later rule with more headers"] = s => s.Rules![1].Match!.Headers = new() { ["x-team"] = "ml" },
        ["too many rules"] = s => s.Rules!.AddRange(Enumerable.Range(0, 14).Select(i => new RouterRule { Name = $"r{i}", Match = new RuleMatch { Models = [$"m{i}"] }, Route = new RuleRoute { Backends = ["local"] } })),
        ["too many matches"] = s =>
        {
            s.Rules![1].Match!.Models = [.. Enumerable.Range(0, 26).Select(i => $"m{i}")];
            s.Rules[1].Match!.DataClassification = [.. Enumerable.Range(0, 5).Select(i => $"c{i}")];
        },
        ["too many headers"] = s => s.Rules![1].Match!.Headers = Enumerable.Range(0, 16).ToDictionary(i => $"x-h{i}", i => "v"),
    };

    [Theory]
    [InlineData("no gatewayRef", GatewayReasons.GatewayRefMissing, "spec.gatewayRef")]
    [InlineData("taskComplexity", GatewayReasons.UnsupportedMatch, "spec.rules[1].match.taskComplexity")]
    [InlineData("requiredCapabilities", GatewayReasons.UnsupportedMatch, "spec.rules[1].match.requiredCapabilities")]
    [InlineData("latencySLOMs", GatewayReasons.UnsupportedMatch, "spec.rules[1].match.latencySLOMs")]
    [InlineData("glob model", GatewayReasons.UnsupportedMatch, "spec.rules[1].match.models[0]")]
    [InlineData("classification by detector", GatewayReasons.UnsupportedMatch, "spec.rules[0].match.dataClassification")]
    [InlineData("shadow", GatewayReasons.UnsupportedMatch, "spec.rules[1].route.strategy")]
    [InlineData("bad header name", GatewayReasons.UnsupportedMatch, "spec.rules[0].match.headers")]
    [InlineData("model header", GatewayReasons.UnsupportedMatch, "spec.rules[0].match.headers")]
    [InlineData("classification header", GatewayReasons.UnsupportedMatch, "spec.rules[0].match.headers")]
    [InlineData("maxUSD", GatewayReasons.UnsupportedBudgetField, "spec.policy.budgets[0].maxUSD")]
    [InlineData("rule scope", GatewayReasons.UnsupportedBudgetScope, "spec.policy.budgets[0].scope")]
    [InlineData("no maxTokens", GatewayReasons.InvalidBudget, "spec.policy.budgets[0].maxTokens")]
    [InlineData("budget beyond Envoy", GatewayReasons.InvalidBudget, "spec.policy.budgets[0].maxTokens")]
    [InlineData("jwt without issuer", GatewayReasons.InvalidAuth, "spec.policy.auth.jwt.issuer")]
    [InlineData("jwt with a relative jwksURI", GatewayReasons.InvalidAuth, "spec.policy.auth.jwt.jwksURI")]
    [InlineData("allowlists without jwt", GatewayReasons.AuthorizationRequiresJwt, "spec.policy.auth.allowlists")]
    [InlineData("empty team", GatewayReasons.InvalidAuthorization, "spec.policy.auth.allowlists[0].team")]
    [InlineData("team with whitespace", GatewayReasons.InvalidAuthorization, "spec.policy.auth.allowlists[0].team")]
    [InlineData("duplicate team", GatewayReasons.InvalidAuthorization, "spec.policy.auth.allowlists[1].team")]
    [InlineData("auditLog", GatewayReasons.UnsupportedAuditLog, "spec.policy.auditLog")]
    [InlineData("sensitive rule not failClosed", GatewayReasons.UnsafeSensitiveRoute, "spec.rules[0].failClosed")]
    [InlineData("sensitive rule to the cloud", GatewayReasons.UnsafeSensitiveRoute, "spec.rules[0].route.backends[1]")]
    [InlineData("endpoint", GatewayReasons.UnsupportedField, "spec.endpoint")]
    [InlineData("proxy replicas", GatewayReasons.UnsupportedField, "spec.proxy.replicas")]
    [InlineData("healthCheck", GatewayReasons.UnsupportedField, "spec.backends[0].healthCheck")]
    [InlineData("costPerMillionTokens", GatewayReasons.UnsupportedField, "spec.backends[1].costPerMillionTokens")]
    [InlineData("capabilities", GatewayReasons.UnsupportedField, "spec.backends[0].capabilities")]
    [InlineData("mock provider", GatewayReasons.UnsupportedField, "spec.backends[2].external.provider")]
    [InlineData("credentials", GatewayReasons.UnsupportedField, "spec.backends[1].external.credentialsSecretRef")]
    [InlineData("a later rule with more headers", GatewayReasons.RulePrecedenceConflict, "spec.rules[1]")]
    [InlineData("too many rules", GatewayReasons.RouteTooLarge, "spec.rules")]
    [InlineData("too many matches", GatewayReasons.RouteTooLarge, "spec.rules[1]")]
    [InlineData("too many headers", GatewayReasons.RouteTooLarge, "spec.rules[1].match.headers")]
    public void EachProblem_IsRefused_WithItsReasonAndField(string change, string reason, string path)
    {
        var refusal = Assert.Single(GatewayRouteChecks.Refusals(With(_changes[change]).Spec!));

        Assert.Equal((reason, path), (refusal.Reason, refusal.Path));
        // The admission webhook refuses the same spec, naming the same field (sensitive rules for every data plane).
        Assert.Contains(ModelRouterValidator.Validate(With(_changes[change])), e => e.Path == path);
    }

    [Fact]
    public void EveryChange_HasARow_AndEveryReasonIsCovered()
    {
        var rows = typeof(GatewayRouteChecksTests).GetMethod(nameof(EachProblem_IsRefused_WithItsReasonAndField))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => a.GetData(null!).Single()).ToList();
        Assert.Equal(_changes.Keys.Order(), rows.Select(r => (string)r[0]).Order());
        var reasons = typeof(GatewayReasons).GetFields().Select(f => (string)f.GetValue(null)!)
            .Except([GatewayReasons.Condition, GatewayReasons.Exposed, GatewayReasons.ReconcileFailed, GatewayReasons.SpecInvalid, GatewayReasons.CrdsNotInstalled]);
        Assert.Equal(reasons.Order(), rows.Select(r => (string)r[1]).Distinct().Order());
    }

    [Fact]
    public void AValidGatewayRouter_HasNoRefusal_AndPassesTheValidator()
    {
        Assert.Empty(GatewayRouteChecks.Refusals(Valid().Spec!));
        Assert.Empty(ModelRouterValidator.Validate(Valid()));
    }

    [Fact]
    public void Refusals_ComeInTheOrderTheyAreChecked()
    {
        var router = With(s =>
        {
            s.Proxy = new RouterProxySpec { Image = "x" };
            s.Policy = new RouterPolicy { AuditLog = new AuditLogPolicy(), Budgets = [new BudgetSpec { Name = "b", Scope = "rule", RuleName = "chat", MaxTokens = 1 }] };
            s.Rules![1].Match!.TaskComplexity = "simple";
            s.GatewayRef = null;
        });

        Assert.Equal(
            [GatewayReasons.GatewayRefMissing, GatewayReasons.UnsupportedMatch, GatewayReasons.UnsupportedBudgetScope, GatewayReasons.UnsupportedAuditLog, GatewayReasons.UnsupportedField],
            GatewayRouteChecks.Refusals(router.Spec!).Select(r => r.Reason));
    }

    [Theory]
    [InlineData("quarantine and threshold become Envoy's outlier detection")]
    public void TheBreakerSettings_AreAccepted(string why)
    {
        var router = With(s => s.Proxy = new RouterProxySpec { QuarantineDuration = "10s", Consecutive5xxThreshold = 5 });
        Assert.True(GatewayRouteChecks.Refusals(router.Spec!).Count == 0, why);
    }

    [Fact]
    public void AnEarlierRuleWithMoreHeaders_OrADisjointOne_IsNoConflict()
    {
        var moreFirst = With(s => s.Rules![0].Match!.Headers = new() { ["x-team"] = "ml" });
        var disjoint = With(s =>
        {
            s.Rules![0].Match = new RuleMatch { Models = ["a"] };
            s.Rules[0].FailClosed = false;
            s.Rules[1].Match!.Headers = new() { ["x-team"] = "ml" };
        });

        Assert.Empty(GatewayRouteChecks.Refusals(moreFirst.Spec!));
        Assert.Empty(GatewayRouteChecks.Refusals(disjoint.Spec!));
    }

    private static RouterPolicy Budget(BudgetSpec budget) => new() { Budgets = [budget] };

    private static JwtAuth Jwt() => new() { Provider = "p", Issuer = "https://idp", JwksURI = "https://idp/jwks", TeamClaim = "team" };

    private static RouterPolicy Auth(JwtAuth jwt, params TeamAllowlist[] allowlists) => new() { Auth = new AuthPolicy { Jwt = jwt, Allowlists = [.. allowlists] } };
}
