using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;
using static LLMKube.Grains.Tests.Validation.TestRouters;

namespace LLMKube.Grains.Tests.Validation;

public class ModelRouterValidatorTests
{
    private static RouterBackend External(string name, string provider = "openai", string? tier = null) =>
        new() { Name = name, Tier = tier, External = new ExternalProvider { Provider = provider, Model = "m" } };

    [Fact]
    public void Valid_HasNoErrors() => AssertErrors(Valid());

    [Fact]
    public void MissingSpec_IsReported()
    {
        var router = Valid();
        router.Spec = null;
        AssertErrors(router, "spec: spec is required");
    }

    [Fact]
    public void MissingMetadataName_IsReported()
    {
        var router = Valid();
        router.Metadata.Name = null;
        AssertErrors(router, "metadata.name: name is required");
    }

    [Fact]
    public void V1_BothTargets() => AssertErrors(
        With(s => s.Backends![0].External = new ExternalProvider { Provider = "openai", Model = "m" }),
        "spec.backends[0]: exactly one of inferenceServiceRef or external must be set, not both",
        // With an external provider present the effective tier is cloud: the safe reading of an ambiguous backend.
        "spec.rules[0].route.backends[0]: backend \"local-qwen\" is tier cloud but rule \"pii-stays-local\" matches sensitive data");

    [Fact]
    public void V2_NeitherTarget() => AssertErrors(
        With(s => s.Backends![0].InferenceServiceRef = null),
        "spec.backends[0]: exactly one of inferenceServiceRef or external must be set");

    [Fact]
    public void V3_InferenceServiceWithCloudTier() => AssertErrors(
        With(s => s.Backends![0].Tier = "cloud"),
        "spec.backends[0].tier: tier=cloud is invalid for a backend with inferenceServiceRef (use tier=local)",
        "spec.rules[0].route.backends[0]: backend \"local-qwen\" is tier cloud but rule \"pii-stays-local\" matches sensitive data");

    [Fact]
    public void V4_EmptyBackendName() => AssertErrors(
        With(s => s.Backends!.Add(External(""))),
        "spec.backends[2].name: name is required");

    [Fact]
    public void V5_DuplicateBackendName() => AssertErrors(
        With(s => s.Backends!.Add(External("cloud-opus", tier: "cloud"))),
        "spec.backends[2].name: duplicate backend name \"cloud-opus\"");

    [Fact]
    public void V6_BackendTimeoutBelowMinimum() => AssertErrors(
        With(s => s.Backends![1].Timeout = "50ms"),
        "spec.backends[1].timeout: must be >= 100ms; got 50ms");

    [Fact]
    public void V7_BackendTimeoutAboveMaximum() => AssertErrors(
        With(s => s.Backends![1].Timeout = "45m"),
        "spec.backends[1].timeout: must be <= 30m0s; got 45m0s (probable unit typo)");

    [Theory]
    [InlineData("100ms")]
    [InlineData("30m")]
    [InlineData("0.5h")]
    public void V6V7_BoundsAreInclusive(string timeout) => AssertErrors(With(s =>
    {
        s.Backends![1].Timeout = timeout;
        s.Rules![0].Timeout = timeout;
    }));

    [Fact]
    public void V8_DefaultRouteUndefined() => AssertErrors(
        With(s => s.DefaultRoute = "nope"),
        "spec.defaultRoute: references undefined backend \"nope\"");

    [Fact]
    public void V9_RuleWithoutBackends() => AssertErrors(
        With(s => s.Rules![1].Route!.Backends = []),
        "spec.rules[1].route.backends: must reference at least one backend");

    [Fact]
    public void V10_RuleReferencesUnknownBackend() => AssertErrors(
        With(s => s.Rules![1].Route!.Backends = ["cloud-opus", "ghost"]),
        "spec.rules[1].route.backends[1]: references undefined backend \"ghost\"");

    [Fact]
    public void V11_SensitiveRuleNotFailClosed() => AssertErrors(
        With(s =>
        {
            s.Rules![0].FailClosed = false;
            s.Rules[0].Match!.DataClassification = ["pii", "internal", "phi"];
        }),
        "spec.rules[0].failClosed: rule matches sensitive classifications [pii phi] and must set failClosed=true");

    [Fact]
    public void V12_SensitiveRuleToCloudTier_ReportedPerBackend() => AssertErrors(
        With(s => s.Rules![0].Route!.Backends = ["cloud-opus", "local-qwen", "cloud-opus"]),
        "spec.rules[0].route.backends[0]: backend \"cloud-opus\" is tier cloud but rule \"pii-stays-local\" matches sensitive data",
        "spec.rules[0].route.backends[2]: backend \"cloud-opus\" is tier cloud but rule \"pii-stays-local\" matches sensitive data");

    [Fact]
    public void V11AndV12_BothFireForTheSameRule() => AssertErrors(
        With(s =>
        {
            s.Rules![0].FailClosed = false;
            s.Rules[0].Route!.Backends = ["cloud-opus"];
        }),
        "spec.rules[0].failClosed: rule matches sensitive classifications [pii] and must set failClosed=true",
        "spec.rules[0].route.backends[0]: backend \"cloud-opus\" is tier cloud but rule \"pii-stays-local\" matches sensitive data");

    [Fact]
    public void EffectiveTier_ExternalWithoutTier_IsCloud() => AssertErrors(
        With(s =>
        {
            s.Backends!.Add(External("gpt"));
            s.Rules![0].Route!.Backends = ["local-qwen", "gpt"];
        }),
        "spec.rules[0].route.backends[1]: backend \"gpt\" is tier cloud but rule \"pii-stays-local\" matches sensitive data");

    [Fact]
    public void EffectiveTier_ExternalDeclaredLocal_MayTakeSensitiveData() => AssertErrors(With(s =>
    {
        s.Backends!.Add(External("on-prem-litellm", "litellm", tier: "local"));
        s.Backends[2].External!.Url = "http://litellm.internal:4000";
        s.Rules![0].Route!.Backends = ["on-prem-litellm"];
    }));

    [Fact]
    public void Sensitive_ConfiguredListReplacesDefault() => AssertErrors(
        With(s =>
        {
            s.Policy = new RouterPolicy { Classification = new ClassificationPolicy { SensitiveClassifications = ["secret"] } };
            s.Rules![0].FailClosed = false;
            s.Rules[0].Route!.Backends = ["cloud-opus"];
            s.Rules[1].Match = new RuleMatch { DataClassification = ["secret"] };
            s.Rules[1].FailClosed = true;
        }),
        "spec.rules[1].route.backends[0]: backend \"cloud-opus\" is tier cloud but rule \"complex-to-cloud\" matches sensitive data");

    [Fact]
    public void Classification_UpperCase_CanNeverMatch() => AssertErrors(
        With(s =>
        {
            s.Rules![0].Match!.DataClassification = ["PII"];
            s.Rules[0].FailClosed = false;
        }),
        "spec.rules[0].match.dataClassification[0]: classification \"PII\" must be lower-case");

    [Fact]
    public void SensitiveClassification_UpperCase_IsReported() => AssertErrors(
        With(s => s.Policy = new RouterPolicy { Classification = new ClassificationPolicy { SensitiveClassifications = ["pii", "PHI"] } }),
        "spec.policy.classification.sensitiveClassifications[1]: classification \"PHI\" must be lower-case");

    [Fact]
    public void V13_RuleTimeoutOutOfBounds() => AssertErrors(
        With(s =>
        {
            s.Rules![0].Timeout = "99ms";
            s.Rules[1].Timeout = "2h";
        }),
        "spec.rules[0].timeout: must be >= 100ms; got 99ms",
        "spec.rules[1].timeout: must be <= 30m0s; got 2h0m0s (probable unit typo)");

    [Fact]
    public void V14_RuleBudgetWithoutRuleName() => AssertErrors(
        With(s => s.Policy = new RouterPolicy { Budgets = [new BudgetSpec { Name = "b", Scope = "rule", MaxTokens = 10 }] }),
        "spec.policy.budgets[0].ruleName: ruleName is required when scope=rule",
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void V15_RuleBudgetWithUnknownRule() => AssertErrors(
        With(s => s.Policy = new RouterPolicy { Budgets = [new BudgetSpec { Name = "b", Scope = "rule", RuleName = "ghost", MaxTokens = 10 }] }),
        "spec.policy.budgets[0].ruleName: references undefined rule \"ghost\"",
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void V16_BudgetWithoutLimit() => AssertErrors(
        With(s => s.Policy = new RouterPolicy { Budgets = [new BudgetSpec { Name = "b", Scope = "team", MaxUSD = "  " }] }),
        "spec.policy.budgets[0].maxUSD: must match ^[0-9]+(\\.[0-9]+)?$; got \"  \"",
        "spec.policy.budgets[0]: must set at least one of maxTokens or maxUSD",
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void Budgets_InProxyMode_AreRefused_AsOnlyGatewayModeEnforcesThem() => AssertErrors(
        With(s => s.Policy = new RouterPolicy
        {
            Budgets =
            [
                new BudgetSpec { Name = "b1", Scope = "rule", RuleName = "complex-to-cloud", MaxTokens = 1000 },
                new BudgetSpec { Name = "b2", Scope = "team", MaxUSD = "12.50", WindowSeconds = 3600 },
            ],
        }),
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void DuplicateRuleName_IsReported() => AssertErrors(
        With(s => s.Rules!.Add(new RouterRule { Name = "complex-to-cloud", Route = new RuleRoute { Backends = ["local-qwen"] } })),
        "spec.rules[2].name: duplicate rule name \"complex-to-cloud\"");

    [Fact]
    public void Timeout_Unparsable_IsInvalidDuration() => AssertErrors(
        With(s => s.Backends![1].Timeout = "30"),
        "spec.backends[1].timeout: invalid duration \"30\"");

    [Fact]
    public void ProxyDurations_MustParseAndBePositive() => AssertErrors(
        With(s => s.Proxy = new RouterProxySpec
        {
            QuarantineDuration = "15 s",
            ResponseHeaderTimeout = "0s",
            ConnectTimeout = "-1s",
            StreamIdleTimeout = "abc",
            MaxStreamDuration = "0",
        }),
        "spec.proxy.quarantineDuration: invalid duration \"15 s\"",
        "spec.proxy.responseHeaderTimeout: must be > 0; got 0s",
        "spec.proxy.connectTimeout: must be > 0; got -1s",
        "spec.proxy.streamIdleTimeout: invalid duration \"abc\"",
        "spec.proxy.maxStreamDuration: must be > 0; got 0s");

    [Fact]
    public void ProxyDurations_Valid_AreAccepted() => AssertErrors(With(s => s.Proxy = new RouterProxySpec
    {
        QuarantineDuration = "2s",
        ResponseHeaderTimeout = "1m30s",
        ConnectTimeout = "500ms",
        StreamIdleTimeout = "30s",
        MaxStreamDuration = "1h",
    }));

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("example.com")]
    [InlineData("/v1")]
    [InlineData("http://")]
    public void ExternalUrl_NotAbsoluteHttp_IsReported(string url) => AssertErrors(
        With(s => s.Backends![1].External!.Url = url),
        $"spec.backends[1].external.url: must be an absolute http or https URL; got \"{url}\"");

    [Theory]
    [InlineData("bedrock")]
    [InlineData("vertex_ai")]
    [InlineData("litellm")]
    public void ExternalUrl_RequiredForProviderWithoutDefault(string provider) => AssertErrors(
        With(s => s.Backends![1].External!.Provider = provider),
        $"spec.backends[1].external.url: url is required for provider \"{provider}\"");

    [Fact]
    public void Schema_NamePatternsEnumsAndMinimums() => AssertErrors(
        With(s =>
        {
            s.DataPlane = "Envoy";
            s.DefaultRouteStrategy = "Random";
            s.Backends![0].Name = "Local_Qwen";
            s.Backends[0].Weight = -1;
            s.Backends[0].HealthCheck = new HealthCheckSpec { IntervalSeconds = 0, TimeoutSeconds = 0 };
            s.Backends[1].Tier = "Cloud";
            s.Backends[1].External!.Provider = "azure";
            s.Backends[1].External!.Model = null;
            s.Backends[1].CostPerMillionTokens = new CostPerMillionTokens { PromptUSD = "1,5", CompletionUSD = "3" };
            s.Rules![1].Name = "Complex";
            s.Rules[1].Match!.TaskComplexity = "hard";
            s.Rules[1].Match!.LatencySLOMs = 0;
            s.Rules[1].Route!.Strategy = "random";
            s.DefaultRoute = "cloud-opus";
        }),
        "spec.dataPlane: unsupported value \"Envoy\"; must be one of: Proxy, Gateway",
        "spec.defaultRouteStrategy: unsupported value \"Random\"; must be one of: Static, BackendNameMatch",
        "spec.backends[0].name: must match ^[a-z0-9][a-z0-9-]{0,62}$; got \"Local_Qwen\"",
        "spec.backends[0].weight: must be >= 0; got -1",
        "spec.backends[0].healthCheck.intervalSeconds: must be >= 1; got 0",
        "spec.backends[0].healthCheck.timeoutSeconds: must be >= 1; got 0",
        "spec.backends[1].tier: unsupported value \"Cloud\"; must be one of: local, cloud",
        "spec.backends[1].external.provider: unsupported value \"azure\"; must be one of: anthropic, openai, bedrock, vertex_ai, litellm, mock",
        "spec.backends[1].external.model: model is required",
        "spec.backends[1].costPerMillionTokens.promptUSD: must match ^[0-9]+(\\.[0-9]+)?$; got \"1,5\"",
        "spec.rules[0].route.backends[0]: references undefined backend \"local-qwen\"",
        "spec.rules[1].name: must match ^[a-z0-9][a-z0-9-]{0,62}$; got \"Complex\"",
        "spec.rules[1].match.taskComplexity: unsupported value \"hard\"; must be one of: simple, moderate, complex",
        "spec.rules[1].match.latencySLOMs: must be >= 1; got 0",
        "spec.rules[1].route.strategy: unsupported value \"random\"; must be one of: primary-fallback, weighted, shadow",
        "spec.rules[1].route.backends[1]: references undefined backend \"local-qwen\"",
        "spec.rules[1].match.latencySLOMs: latencySLOMs is not supported yet; remove the field");

    [Fact]
    public void Schema_RequiredFields() => AssertErrors(
        With(s =>
        {
            s.Backends![1].External!.Provider = null;
            s.Rules![0].Name = null;
            s.Rules[1].Route = null;
            s.Policy = new RouterPolicy
            {
                Budgets = [new BudgetSpec { MaxTokens = 0, WindowSeconds = 0 }],
                Auth = new AuthPolicy { Jwt = new JwtAuth { Provider = "p" }, Allowlists = [new TeamAllowlist()] },
            };
        }),
        "spec.backends[1].external.provider: provider is required",
        "spec.rules[0].name: name is required",
        "spec.rules[1].route: route is required",
        "spec.policy.budgets[0].name: name is required",
        "spec.policy.budgets[0].scope: scope is required",
        "spec.policy.budgets[0].windowSeconds: must be >= 1; got 0",
        "spec.policy.budgets[0].maxTokens: must be >= 1; got 0",
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field",
        "spec.policy.auth.jwt: jwt authentication is enforced only with dataPlane: Gateway (by Envoy); remove the field",
        "spec.policy.auth.allowlists: allowlists are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void Schema_BackendsRequiredAndNonEmpty()
    {
        AssertErrors(With(s => { s.Backends = null; s.Rules = null; s.DefaultRoute = null; }), "spec.backends: backends is required");
        AssertErrors(With(s => { s.Backends = []; s.Rules = null; s.DefaultRoute = null; }), "spec.backends: must have at least 1 item");
    }

    [Fact]
    public void Schema_EndpointProxyAndPolicyEnums() => AssertErrors(
        With(s =>
        {
            s.Endpoint = new EndpointSpec { Port = 70000, Type = "External", NodePort = 80 };
            s.Proxy = new RouterProxySpec { Replicas = 11, RevisionHistoryLimit = -1 };
            s.Policy = new RouterPolicy
            {
                Classification = new ClassificationPolicy { Mode = "regex" },
                AuditLog = new AuditLogPolicy { Sink = "syslog" },
                Budgets = [new BudgetSpec { Name = "b", Scope = "org", MaxTokens = 1 }],
            };
        }),
        "spec.policy.budgets[0].scope: unsupported value \"org\"; must be one of: router, rule, team",
        "spec.policy.classification.mode: unsupported value \"regex\"; must be one of: header-only, detector, hybrid",
        "spec.policy.auditLog.sink: unsupported value \"syslog\"; must be one of: stdout, file, otlp",
        "spec.endpoint.port: must be between 1 and 65535; got 70000",
        "spec.endpoint.type: unsupported value \"External\"; must be one of: ClusterIP, NodePort, LoadBalancer",
        "spec.endpoint.nodePort: must be between 30000 and 32767; got 80",
        "spec.proxy.replicas: must be between 1 and 10; got 11",
        "spec.proxy.revisionHistoryLimit: must be >= 0; got -1",
        "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field");

    [Fact]
    public void Validate_CollectsAllErrorsInOnePass()
    {
        var router = With(s =>
        {
            s.Backends![0].Name = "";
            s.Backends[1].Timeout = "1ms";
            s.Rules![0].FailClosed = false;
            s.Rules[1].Route!.Backends = [];
            s.DefaultRoute = "ghost";
            s.Proxy = new RouterProxySpec { QuarantineDuration = "soon" };
        });

        var paths = ModelRouterValidator.Validate(router).Select(e => e.Path).ToArray();

        Assert.Equal(
            [
                "spec.backends[0].name", "spec.backends[1].timeout", "spec.defaultRoute",
                "spec.rules[0].route.backends[0]", "spec.rules[0].failClosed", "spec.rules[1].route.backends",
                "spec.proxy.quarantineDuration",
            ],
            paths);
    }

    [Fact]
    public void GatewayDataPlane_RejectsWhatTheGatewayCannotExpress() => AssertErrors(
        With(s =>
        {
            s.DataPlane = "Gateway";
            s.Rules![1].Match!.Models = ["gpt-*"];
            s.Rules[1].Route!.Strategy = "shadow";
        }),
        "spec.gatewayRef: gatewayRef is required when dataPlane is Gateway: name the Gateway (gateway.networking.k8s.io) the route attaches to",
        "spec.rules[1].match.taskComplexity: rule \"complex-to-cloud\": taskComplexity is not supported when dataPlane is Gateway (Envoy matches the model and headers only)",
        "spec.rules[1].match.models[0]: rule \"complex-to-cloud\": glob pattern \"gpt-*\" is not supported when dataPlane is Gateway; list exact model names",
        "spec.rules[1].route.strategy: rule \"complex-to-cloud\": strategy \"shadow\" is not supported when dataPlane is Gateway; use primary-fallback or weighted");

    [Fact]
    public void ProxyDataPlane_AcceptsGatewayOnlyRestrictedFeatures() => AssertErrors(With(s =>
    {
        s.DataPlane = "Proxy";
        s.Rules![1].Match!.Models = ["gpt-*"];
        s.Policy = new RouterPolicy { AuditLog = new AuditLogPolicy { Sink = "stdout" } };
    }));
}
