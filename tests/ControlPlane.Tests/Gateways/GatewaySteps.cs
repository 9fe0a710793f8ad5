using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.ControlPlane.Tests.Gateways;

/// <summary>What the Gateway-mode tests share: a Gateway-mode router, kubectl, and reads of generated objects, status and events.</summary>
internal sealed class GatewaySteps(ApiServerFixture api, string ns)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Namespace => ns;

    /// <summary>
    /// A Gateway-mode router on two external backends (a literal IP and an https host): a sensitive local-only rule, a model
    /// rule with a timeout, a default route, token budgets and JWT with a team allowlist.
    /// </summary>
    public ModelRouter Router(string name = "chat", Action<ModelRouterSpec>? change = null)
    {
        var router = new ModelRouter
        {
            ApiVersion = KubeObject.LLMKubeApiVersion,
            Kind = ModelRouter.KindName,
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Spec = new ModelRouterSpec
            {
                DataPlane = "Gateway",
                GatewayRef = new GatewayReference { Name = "eg", Namespace = "envoy-gateway-system" },
                Backends =
                [
                    new RouterBackend { Name = "lab", Tier = "local", External = new ExternalProvider { Provider = "openai", Model = "llama", Url = "http://10.0.0.7:4000" } },
                    new RouterBackend { Name = "cloud", External = new ExternalProvider { Provider = "openai", Model = "gpt-4o-mini" } },
                ],
                Rules =
                [
                    new RouterRule { Name = "pii", Match = new RuleMatch { DataClassification = ["pii"] }, Route = new RuleRoute { Backends = ["lab"] }, FailClosed = true },
                    new RouterRule { Name = "gpt", Match = new RuleMatch { Models = ["gpt-4o-mini"] }, Route = new RuleRoute { Backends = ["cloud", "lab"] }, Timeout = "90s" },
                ],
                DefaultRoute = "lab",
                Policy = new RouterPolicy
                {
                    Budgets =
                    [
                        new BudgetSpec { Name = "all", Scope = "router", MaxTokens = 1_000_000 },
                        new BudgetSpec { Name = "per-team", Scope = "team", MaxTokens = 100_000, WindowSeconds = 86_400 },
                    ],
                    Auth = new AuthPolicy
                    {
                        Jwt = new JwtAuth { Provider = "corp", Issuer = "https://idp.example", JwksURI = "https://idp.example/jwks", TeamClaim = "team" },
                        Allowlists = [new TeamAllowlist { Team = "ml", Models = ["gpt-4o-mini"] }],
                    },
                },
            },
        };
        change?.Invoke(router.Spec!);
        return router;
    }

    /// <summary>The object as kubectl takes it: apiVersion, kind, name, namespace and spec (our types also carry computed properties).</summary>
    public static string Json(ModelRouter router) => new JsonObject
    {
        ["apiVersion"] = KubeObject.LLMKubeApiVersion,
        ["kind"] = ModelRouter.KindName,
        ["metadata"] = new JsonObject { ["name"] = router.Metadata.Name, ["namespace"] = router.Metadata.Namespace },
        ["spec"] = JsonSerializer.SerializeToNode(router.Spec, _json),
    }.ToJsonString();

    public async Task ApplyAsync(string yamlOrJson)
    {
        var result = await api.KubectlWithInputAsync(yamlOrJson, "apply", "-f", "-");
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    public Task ApplyAsync(ModelRouter router) => ApplyAsync(Json(router));

    public Task<JsonObject?> GetAsync(ResourceKind kind, string name) => GatewayCrds.GetAsync(api, kind, ns, name);

    public Task<JsonObject> ObjectAsync(ResourceKind kind, string name, Func<JsonObject, bool>? done = null)
        => Eventually.GetAsync(() => GetAsync(kind, name), o => done?.Invoke(o) ?? true, what: $"{kind.Kind} {name}")!;

    public Task<IReadOnlyList<string>> NamesAsync(ResourceKind kind) => GatewayCrds.NamesAsync(api, kind, ns);

    public async Task<JsonObject?> StatusAsync(string plural, string name)
    {
        var item = await api.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(KubeNames.Group, KubeNames.Version, ns, plural, name);
        return item["status"] as JsonObject;
    }

    public Task<JsonObject> RouterStatusAsync(string name, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null)
        => Eventually.GetAsync(() => StatusAsync("modelrouters", name), done, timeout, what)!;

    public static JsonNode? Condition(JsonObject? status, string type)
        => status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type);

    public static string? Reason(JsonObject? status, string type) => (string?)Condition(status, type)?["reason"];

    /// <summary>The Warning and Normal events recorded about <paramref name="name"/>, as (type, reason, note).</summary>
    public async Task<IReadOnlyList<(string Type, string Reason, string Note)>> EventsAsync(string name)
    {
        var events = await api.Client.EventsV1.ListNamespacedEventAsync(ns);
        return [.. events.Items.Where(e => e.Regarding?.Name == name).Select(e => (e.Type, e.Reason, e.Note))];
    }
}
