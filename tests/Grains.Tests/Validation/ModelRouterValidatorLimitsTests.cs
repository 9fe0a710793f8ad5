using LLMKube.Grains.Api;
using LLMKube.Grains.Validation;
using static LLMKube.Grains.Tests.Validation.TestRouters;

namespace LLMKube.Grains.Tests.Validation;

/// <summary>Fields nothing implements are refused, not ignored; <c>spec.proxy</c> durations have upper bounds.</summary>
public class ModelRouterValidatorLimitsTests
{
    [Fact]
    public void FieldsNotSupportedYet_AreRefusedWithTheirPath()
    {
        var router = With(s =>
        {
            s.Rules![1].Match!.LatencySLOMs = 200;
            s.McpServer = new McpServerSpec { Enabled = true };
            s.Policy = new RouterPolicy
            {
                Classification = new ClassificationPolicy { Mode = "detector" },
                Budgets = [new BudgetSpec { Name = "b", Scope = "router", MaxTokens = 1000 }],
                Auth = new AuthPolicy
                {
                    Jwt = new JwtAuth { Provider = "p", Issuer = "i", JwksURI = "https://i/jwks", TeamClaim = "team" },
                    Allowlists = [new TeamAllowlist { Team = "ml", Models = ["m"] }],
                },
                AuditLog = new AuditLogPolicy { Sink = "otlp", IncludeRequestBody = true },
            };
        });

        AssertErrors(
            router,
            "spec.rules[1].match.latencySLOMs: latencySLOMs is not supported yet; remove the field",
            "spec.policy.classification.mode: mode \"detector\" is not supported yet; use \"header-only\" or remove the field",
            "spec.policy.budgets: budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field",
            "spec.policy.auth.jwt: jwt authentication is enforced only with dataPlane: Gateway (by Envoy); remove the field",
            "spec.policy.auth.allowlists: allowlists are enforced only with dataPlane: Gateway (by Envoy); remove the field",
            "spec.policy.auditLog.sink: sink \"otlp\" is not supported yet; use \"stdout\" or \"file\"",
            "spec.policy.auditLog.includeRequestBody: includeRequestBody is not supported: the gateway never logs request bodies; remove the field",
            "spec.mcpServer.enabled: the MCP server is not supported yet; remove the field");
    }

    [Fact]
    public void GatewayDataPlane_AcceptsWhatEnvoyEnforces_BudgetsAndJwtWithAllowlists() => AssertErrors(
        With(s =>
        {
            s.DataPlane = "Gateway";
            s.GatewayRef = new GatewayReference { Name = "gw" };
            s.Rules!.RemoveAt(1);
            s.Policy = new RouterPolicy
            {
                Budgets = [new BudgetSpec { Name = "b", Scope = "team", MaxTokens = 1000 }],
                Auth = new AuthPolicy
                {
                    Jwt = new JwtAuth { Provider = "p", Issuer = "i", JwksURI = "https://i/jwks", TeamClaim = "team" },
                    Allowlists = [new TeamAllowlist { Team = "ml", Models = ["m"] }],
                },
            };
        }));

    [Fact]
    public void AModelRoutersEndpointGateway_IsRefused_ItIsForInferenceServices() => AssertErrors(
        With(s => s.Endpoint = new EndpointSpec { Gateway = new GatewayExposureSpec { Enabled = true, GatewayRef = new GatewayReference { Name = "gw" } } }),
        "spec.endpoint.gateway: endpoint.gateway is for InferenceServices; a ModelRouter uses spec.dataPlane: Gateway with spec.gatewayRef");

    [Fact]
    public void WhatWorks_OrSwitchesAFeatureOff_IsAccepted() => AssertErrors(With(s =>
    {
        s.DataPlane = "Proxy";
        s.McpServer = new McpServerSpec { Enabled = false };
        s.Policy = new RouterPolicy
        {
            Classification = new ClassificationPolicy { Mode = "header-only" },
            Budgets = [],
            Auth = new AuthPolicy { Allowlists = [] },
            AuditLog = new AuditLogPolicy { Sink = "stdout", IncludeRequestBody = false },
        };
    }));

    [Fact]
    public void UnknownClassificationMode_IsOnlyAnEnumError() => AssertErrors(
        With(s => s.Policy = new RouterPolicy { Classification = new ClassificationPolicy { Mode = "regex" } }),
        "spec.policy.classification.mode: unsupported value \"regex\"; must be one of: header-only, detector, hybrid");

    [Fact]
    public void AuditLogFileSink_NeedsAnAbsoluteFilePath()
    {
        static ModelRouter Audit(string? sink, string? filePath) =>
            With(s => s.Policy = new RouterPolicy { AuditLog = new AuditLogPolicy { Sink = sink, FilePath = filePath } });

        AssertErrors(Audit("file", "/var/log/llmkube/audit.jsonl"));
        AssertErrors(Audit("file", null), "spec.policy.auditLog.filePath: filePath is required when sink is \"file\"");
        AssertErrors(Audit("file", "audit.jsonl"), "spec.policy.auditLog.filePath: must be an absolute path; got \"audit.jsonl\"");
        AssertErrors(Audit("stdout", "/tmp/a"), "spec.policy.auditLog.filePath: filePath is read only when sink is \"file\"; set sink: file or remove the field");
        AssertErrors(Audit(null, "/tmp/a"), "spec.policy.auditLog.filePath: filePath is read only when sink is \"file\"; set sink: file or remove the field");
    }

    [Theory]
    [InlineData("responseHeaderTimeout", "30m", "30m0.001s", "30m0s")]
    [InlineData("connectTimeout", "5m", "5m0.001s", "5m0s")]
    [InlineData("quarantineDuration", "1h", "1h0m0.001s", "1h0m0s")]
    [InlineData("streamIdleTimeout", "1h", "1h0m0.001s", "1h0m0s")]
    [InlineData("maxStreamDuration", "24h", "24h0m0.001s", "24h0m0s")]
    public void ProxyDuration_AtTheBound_IsAccepted_JustOver_IsRefused(string field, string bound, string over, string formattedBound)
    {
        AssertErrors(With(s => s.Proxy = Proxy(field, bound)));
        AssertErrors(With(s => s.Proxy = Proxy(field, over)), $"spec.proxy.{field}: must be <= {formattedBound}; got {over}");
    }

    [Fact]
    public void ProxyDuration_Huge_IsRefused_NotPassedToTimers() => AssertErrors(
        With(s => s.Proxy = new RouterProxySpec { QuarantineDuration = "100000h" }),
        "spec.proxy.quarantineDuration: must be <= 1h0m0s; got 100000h0m0s");

    private static RouterProxySpec Proxy(string field, string value)
    {
        var proxy = new RouterProxySpec();
        typeof(RouterProxySpec).GetProperty(char.ToUpperInvariant(field[0]) + field[1..])!.SetValue(proxy, value);
        return proxy;
    }
}
