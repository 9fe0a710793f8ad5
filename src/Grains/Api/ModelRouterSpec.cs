using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Api;

/// <summary><c>ModelRouter.spec</c>.</summary>
[GenerateSerializer]
[CelRule("!has(self.defaultRoute) || self.defaultRoute == '' || self.backends.exists(b, b.name == self.defaultRoute)", "spec.defaultRoute must name a backend in spec.backends")]
[CelRule("!has(self.rules) || self.rules.all(r, !has(r.route) || !has(r.route.backends) || r.route.backends.all(n, self.backends.exists(b, b.name == n)))", "every spec.rules[].route.backends entry must name a backend in spec.backends")]
[CelRule("!has(self.rules) || self.rules.all(r, !has(r.match) || !has(r.match.dataClassification) || !r.match.dataClassification.exists(c, c in ((has(self.policy) && has(self.policy.classification) && has(self.policy.classification.sensitiveClassifications) && size(self.policy.classification.sensitiveClassifications) > 0) ? self.policy.classification.sensitiveClassifications : ['pii', 'phi'])) || (has(r.failClosed) && r.failClosed))", "a rule matching a sensitive dataClassification must set failClosed: true")]
[CelRule("!has(self.rules) || self.rules.all(r, !has(r.match) || !has(r.match.dataClassification) || !r.match.dataClassification.exists(c, c in ((has(self.policy) && has(self.policy.classification) && has(self.policy.classification.sensitiveClassifications) && size(self.policy.classification.sensitiveClassifications) > 0) ? self.policy.classification.sensitiveClassifications : ['pii', 'phi'])) || !has(r.route) || !has(r.route.backends) || r.route.backends.all(n, self.backends.exists(b, b.name == n && (has(b.tier) ? b.tier == 'local' : (has(b.inferenceServiceRef) || (has(b.external) && has(b.external.provider) && b.external.provider == 'mock'))))))", "a rule matching a sensitive dataClassification may route only to tier: local backends")]
[CelRule("!has(self.dataPlane) || self.dataPlane != 'Gateway' || has(self.gatewayRef)", "spec.gatewayRef is required when spec.dataPlane is Gateway")]
[CelRule("!has(self.endpoint) || !has(self.endpoint.gateway)", "spec.endpoint.gateway is for InferenceServices; a ModelRouter uses spec.dataPlane: Gateway with spec.gatewayRef")]
public sealed class ModelRouterSpec
{
    [Id(0), AllowedValues("Proxy", "Gateway"), Description("Proxy (our gateway fleet, the default) or Gateway (compiled onto an installed Envoy AI Gateway).")] public string? DataPlane { get; set; }
    [Id(1), Description("The Gateway (gateway.networking.k8s.io) the generated AIGatewayRoute attaches to; required with dataPlane Gateway.")] public GatewayReference? GatewayRef { get; set; }
    [Id(2), Required, MinLength(1), MaxLength(SchemaLimits.MaxBackends), Description("Where requests can go.")] public List<RouterBackend>? Backends { get; set; }
    [Id(3), MaxLength(SchemaLimits.MaxRules), Description("Evaluated in order; the first match wins.")] public List<RouterRule>? Rules { get; set; }
    [Id(4), MaxLength(SchemaLimits.MaxNameLength), Description("The backend for requests no rule matches.")] public string? DefaultRoute { get; set; }
    [Id(5), AllowedValues("Static", "BackendNameMatch")] public string? DefaultRouteStrategy { get; set; }
    [Id(6)] public RouterPolicy? Policy { get; set; }
    [Id(7)] public EndpointSpec? Endpoint { get; set; }
    [Id(8)] public RouterProxySpec? Proxy { get; set; }
    [Id(9)] public McpServerSpec? McpServer { get; set; }
}
