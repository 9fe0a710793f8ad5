using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Gateways;
using static LLMKube.Grains.Tests.Kubernetes.Gateways.GatewayRouters;

namespace LLMKube.Grains.Tests.Kubernetes.Gateways;

public sealed class GatewayRouteBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static GatewayRoute Build(ModelRouter router, IReadOnlyDictionary<string, BackendHealth>? health = null, DateTimeOffset? now = null)
        => GatewayRouteBuilder.Build(router, Config(router), health, now ?? Now);

    private static JsonArray Rules(GatewayRoute route) => route.Route["spec"]!["rules"]!.AsArray();

    private static List<string?> Refs(JsonNode rule) => [.. rule["backendRefs"]!.AsArray().Select(r => (string?)r!["name"])];

    [Fact]
    public void TheObjects_ComeInApplyOrder_NamedAfterTheRouter_OwnedAndLabelled()
    {
        var route = Build(Valid());

        Assert.Equal(
            [("Backend", "chat-local"), ("AIServiceBackend", "chat-local"), ("Backend", "chat-cloud"), ("AIServiceBackend", "chat-cloud"),
             ("Backend", "chat-lab"), ("AIServiceBackend", "chat-lab"), ("AIGatewayRoute", "chat"), ("BackendTrafficPolicy", "chat")],
            route.Objects.Select(o => (o.Kind.Kind, o.Name)));
        Assert.All(route.Objects, o =>
        {
            Assert.Equal(o.Kind.ApiVersion, (string?)o.Object["apiVersion"]);
            Assert.Equal("team", (string?)o.Object["metadata"]!["namespace"]);
            var owner = o.Object["metadata"]!["ownerReferences"]![0]!;
            Assert.Equal(("ModelRouter", "chat", "uid-1", true, false), ((string?)owner["kind"], (string?)owner["name"], (string?)owner["uid"], (bool)owner["controller"]!, (bool)owner["blockOwnerDeletion"]!));
            Assert.Equal("chat", (string?)o.Object["metadata"]!["labels"]!["inference.llmkube.dev/model-router"]);
            Assert.Equal("llmkube-orleans", (string?)o.Object["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);
        });
        Assert.Equal(3, route.Rules);
        Assert.Equal("compiled 3 rule(s) onto gateway envoy/eg", route.Message);
    }

    [Fact]
    public void Backends_PointAtTheServiceTheProviderOrTheIp_WithTlsForHttps_AndTheUrlPathAsPrefix()
    {
        var objects = Build(Valid()).Objects;
        JsonNode Spec(string kind, string name) => objects.Single(o => o.Kind.Kind == kind && o.Name == name).Object["spec"]!;

        Assert.Equal("""{"endpoints":[{"fqdn":{"hostname":"qwen.team.svc.cluster.local","port":8000}}]}""", Spec("Backend", "chat-local").ToJsonString());
        Assert.Equal("""{"endpoints":[{"fqdn":{"hostname":"api.openai.com","port":443}}],"tls":{"wellKnownCACertificates":"System","sni":"api.openai.com"}}""", Spec("Backend", "chat-cloud").ToJsonString());
        Assert.Equal("""{"endpoints":[{"ip":{"address":"10.0.0.7","port":4000}}]}""", Spec("Backend", "chat-lab").ToJsonString());
        Assert.Equal("""{"schema":{"name":"OpenAI","prefix":"/proxy/v1"},"backendRef":{"name":"chat-lab","kind":"Backend","group":"gateway.envoyproxy.io"}}""", Spec("AIServiceBackend", "chat-lab").ToJsonString());
        Assert.Null(Spec("AIServiceBackend", "chat-cloud")["schema"]!["prefix"]);
    }

    [Fact]
    public void Rules_MatchModelsAndClassifications_InOrder_WithPrioritiesTimeoutsAndTheDefaultLast()
    {
        var route = Build(Valid());
        var rules = Rules(route);

        Assert.Equal("""[{"name":"eg","kind":"Gateway","group":"gateway.networking.k8s.io","namespace":"envoy"}]""", route.Route["spec"]!["parentRefs"]!.ToJsonString());
        // The classification header matches whatever the case, as our gateway lower-cases it.
        Assert.Equal(
            """[{"headers":[{"type":"RegularExpression","name":"x-llmkube-classification","value":"(?i)pii"}]},{"headers":[{"type":"RegularExpression","name":"x-llmkube-classification","value":"(?i)phi"}]}]""",
            rules[0]!["matches"]!.ToJsonString());
        Assert.Equal("""[{"name":"chat-local","priority":0},{"name":"chat-lab","priority":1,"modelNameOverride":"llama"}]""", rules[0]!["backendRefs"]!.ToJsonString());
        Assert.Null(rules[0]!["timeouts"]);
        Assert.Equal("""[{"headers":[{"type":"Exact","name":"x-ai-eg-model","value":"gpt-4o-mini"}]}]""", rules[1]!["matches"]!.ToJsonString());
        Assert.Equal("""[{"name":"chat-cloud","priority":0,"modelNameOverride":"gpt-4o-mini"},{"name":"chat-local","priority":1}]""", rules[1]!["backendRefs"]!.ToJsonString());
        Assert.Equal("1m30s", (string?)rules[1]!["timeouts"]!["request"]);
        Assert.Equal("""{"matches":[{}],"backendRefs":[{"name":"chat-local","priority":0}]}""", rules[2]!.ToJsonString());
        Assert.Null(route.Route["spec"]!["llmRequestCosts"]);
    }

    [Fact]
    public void Weighted_CarriesEachBackendsWeight_AndHeadersAreExactAndSortedByName()
    {
        var route = Build(With(s =>
        {
            s.Backends![1].Weight = 3;
            s.Rules![1].Route!.Strategy = "weighted";
            s.Rules[1].Match!.Models = ["a", "b"];
            s.Rules[1].Match!.Headers = new() { ["X-Zone"] = "eu", ["x-app"] = "web" };
            s.Rules.RemoveAt(0);
        }));
        var rule = Rules(route)[0]!;

        Assert.Equal("""[{"name":"chat-cloud","weight":3,"modelNameOverride":"gpt-4o-mini"},{"name":"chat-local","weight":1}]""", rule["backendRefs"]!.ToJsonString());
        Assert.Equal(
            """[{"headers":[{"type":"Exact","name":"x-ai-eg-model","value":"a"},{"type":"Exact","name":"x-app","value":"web"},{"type":"Exact","name":"x-zone","value":"eu"}]},"""
            + """{"headers":[{"type":"Exact","name":"x-ai-eg-model","value":"b"},{"type":"Exact","name":"x-app","value":"web"},{"type":"Exact","name":"x-zone","value":"eu"}]}]""",
            rule["matches"]!.ToJsonString());
    }

    [Fact]
    public void BackendNameMatch_AddsARulePerBackend_OnItsPublishedName_BeforeTheDefault()
    {
        var route = Build(With(s =>
        {
            s.DefaultRouteStrategy = "BackendNameMatch";
            s.Backends![2].DisplayName = "llama-3";
        }));
        var rules = Rules(route);

        Assert.Equal(6, rules.Count);
        Assert.Equal(["local", "cloud", "llama-3"], rules.Skip(2).Take(3).Select(r => (string?)r!["matches"]![0]!["headers"]![0]!["value"]));
        Assert.Equal([["chat-local"], ["chat-cloud"], ["chat-lab"], ["chat-local"]], rules.Skip(2).Select(r => Refs(r!)));
    }

    [Fact]
    public void NothingFollowsACatchAllRule_AsNothingAfterItIsReachable()
    {
        var route = Build(With(s =>
        {
            s.Rules![1].Match = null;
            s.DefaultRouteStrategy = "BackendNameMatch";
        }));

        Assert.Equal(2, Rules(route).Count);
        Assert.Equal("""[{}]""", Rules(route)[1]!["matches"]!.ToJsonString());
    }

    [Fact]
    public void AnUnusableBackend_LeavesEveryRule_ButNoRulesLastBackend()
    {
        var route = Build(Valid(), new Dictionary<string, BackendHealth> { ["local"] = BackendHealth.Healthy with { Blocked = "InferenceService team/qwen is Failed" } });
        var rules = Rules(route);

        Assert.Equal([["chat-lab"], ["chat-cloud"], ["chat-local"]], rules.Select(r => Refs(r!)));
        // Priorities stay contiguous from 0.
        Assert.Equal(0, (int)rules[0]!["backendRefs"]![0]!["priority"]!);
        Assert.Equal([new EjectedBackend("local", "InferenceService team/qwen is Failed")], route.Ejected);
        Assert.EndsWith("; ejected 1 unhealthy backend(s): local", route.Message);
    }

    [Fact]
    public void AFailClosedRule_LosesEvenItsLastBackend_AndServesNothing()
    {
        var blocked = BackendHealth.Healthy with { Blocked = "Mac agent mac-1 is gone" };
        var route = Build(Valid(), new Dictionary<string, BackendHealth> { ["local"] = blocked, ["lab"] = blocked });

        Assert.Empty(Refs(Rules(route)[0]!));
        Assert.Equal(["lab", "local"], route.Ejected.Select(e => e.Name));
    }

    [Fact]
    public void AQuarantinedBackend_IsOutUntilItsQuarantineEnds_ThenBack()
    {
        var until = Now.AddSeconds(10);
        var health = new Dictionary<string, BackendHealth>
        {
            ["cloud"] = BackendHealth.Healthy with { State = CircuitState.Open, OpenUntil = until, LastError = "connect_error" },
        };

        var during = Build(Valid(), health);
        Assert.Equal(["chat-local"], Refs(Rules(during)[1]!));
        Assert.Equal($"quarantined until 2026-12-02T12:00:10Z (connect_error)", during.Ejected.Single().Reason);
        Assert.Equal(until, during.NextChange);

        var after = Build(Valid(), health, until);
        Assert.Equal(["chat-cloud", "chat-local"], Refs(Rules(after)[1]!));
        Assert.Empty(after.Ejected);
        Assert.Null(after.NextChange);
    }

    [Fact]
    public void TheTrafficPolicy_IsTheOnlyOne_WithRetriesHealthChecks_AndTheBreakersSettings()
    {
        var policy = Build(With(s => s.Proxy = new RouterProxySpec { QuarantineDuration = "45s", Consecutive5xxThreshold = 4 })).Objects.Single(o => o.Kind.Kind == "BackendTrafficPolicy").Object["spec"]!;

        Assert.Equal("""[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","name":"chat"}]""", policy["targetRefs"]!.ToJsonString());
        Assert.Equal(
            """{"numAttemptsPerPriority":1,"numRetries":5,"perRetry":{"backOff":{"baseInterval":"100ms","maxInterval":"10s"},"timeout":"1m30s"},"retryOn":{"httpStatusCodes":[500,503],"triggers":["connect-failure","retriable-status-codes"]}}""",
            policy["retry"]!.ToJsonString());
        Assert.Equal("""{"baseEjectionTime":"45s","consecutive5XxErrors":4,"interval":"5s","maxEjectionPercent":100}""", policy["healthCheck"]!["passive"]!.ToJsonString());
        Assert.Equal(
            """{"type":"HTTP","http":{"path":"/health","method":"GET","expectedStatuses":[200]},"interval":"2s","timeout":"1s","unhealthyThreshold":2,"healthyThreshold":1}""",
            policy["healthCheck"]!["active"]!.ToJsonString());
        Assert.Null(policy["rateLimit"]);

        var defaults = Build(With(s => s.Rules![1].Timeout = null)).Objects.Single(o => o.Kind.Kind == "BackendTrafficPolicy").Object["spec"]!;
        Assert.Equal("1m", (string?)defaults["retry"]!["perRetry"]!["timeout"]);
        Assert.Equal("""{"baseEjectionTime":"30s","consecutive5XxErrors":3,"interval":"5s","maxEjectionPercent":100}""", defaults["healthCheck"]!["passive"]!.ToJsonString());
    }

    [Fact]
    public void Budgets_BecomeRateLimitRulesCountingResponseTokens_AndTheRouteRecordsTheCost()
    {
        var route = Build(With(s => s.Policy = new RouterPolicy
        {
            Budgets =
            [
                new BudgetSpec { Name = "all", Scope = "router", MaxTokens = 1_000_000 },
                new BudgetSpec { Name = "teams", Scope = "team", MaxTokens = 100_000, WindowSeconds = 172_800, HeaderKey = "X-Team" },
            ],
        }));
        var rules = route.Objects.Single(o => o.Kind.Kind == "BackendTrafficPolicy").Object["spec"]!["rateLimit"]!;

        Assert.Equal("Global", (string?)rules["type"]);
        Assert.Equal(
            """{"limit":{"requests":1000000,"unit":"Hour"},"cost":{"request":{"from":"Number","number":0},"response":{"from":"Metadata","metadata":{"namespace":"io.envoy.ai_gateway","key":"llm_total_token"}}}}""",
            rules["global"]!["rules"]![0]!.ToJsonString());
        Assert.Equal("""{"requests":50000,"unit":"Day"}""", rules["global"]!["rules"]![1]!["limit"]!.ToJsonString());
        Assert.Equal("""[{"headers":[{"name":"x-team","type":"Distinct"}]}]""", rules["global"]!["rules"]![1]!["clientSelectors"]!.ToJsonString());
        Assert.Equal("""[{"metadataKey":"llm_total_token","type":"TotalToken"}]""", route.Route["spec"]!["llmRequestCosts"]!.ToJsonString());
        Assert.Contains("2 token budget(s) as global rate limits (team budgets count the team header as clients send it", route.Message);
    }

    [Fact]
    public void Jwt_AddsASecurityPolicyBeforeTheRoute_WithTheTeamClaimAsAHeader_AndDenyByDefaultAllowlists()
    {
        var route = Build(With(s => s.Policy = new RouterPolicy
        {
            Auth = new AuthPolicy
            {
                Jwt = new JwtAuth { Provider = "corp", Issuer = "https://idp", JwksURI = "https://idp/jwks", TeamClaim = "grp" },
                Allowlists = [new TeamAllowlist { Team = "ml", Models = ["gpt-4o-mini"] }, new TeamAllowlist { Team = "ops" }],
            },
        }));

        Assert.Equal(["BackendTrafficPolicy", "AIGatewayRoute", "SecurityPolicy"], route.Objects.Reverse().Take(3).Select(o => o.Kind.Kind));
        var spec = route.Objects.Single(o => o.Kind.Kind == "SecurityPolicy").Object["spec"]!;
        Assert.Equal(
            """{"providers":[{"name":"corp","issuer":"https://idp","remoteJWKS":{"uri":"https://idp/jwks"},"claimToHeaders":[{"claim":"grp","header":"x-llmkube-team"}]}]}""",
            spec["jwt"]!.ToJsonString());
        Assert.Equal(
            """{"defaultAction":"Deny","rules":[{"name":"allow-ml-0","action":"Allow","principal":{"jwt":{"provider":"corp","claims":[{"name":"grp","values":["ml"]}]},"headers":[{"name":"x-ai-eg-model","values":["gpt-4o-mini"]}]}},"""
            + """{"name":"allow-ops-1","action":"Allow","principal":{"jwt":{"provider":"corp","claims":[{"name":"grp","values":["ops"]}]}}}]}""",
            spec["authorization"]!.ToJsonString());
        Assert.True(route.AuthEnabled);
        Assert.EndsWith("; JWT authentication by provider corp, allowing 2 team(s) and denying the rest", route.Message);
    }
}
