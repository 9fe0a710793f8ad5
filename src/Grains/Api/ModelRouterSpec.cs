namespace LLMKube.Grains.Api;

/// <summary><c>ModelRouter.spec</c>.</summary>
[GenerateSerializer]
public sealed class ModelRouterSpec
{
    [Id(0)] public string? DataPlane { get; set; }
    [Id(1)] public GatewayReference? GatewayRef { get; set; }
    [Id(2)] public List<RouterBackend>? Backends { get; set; }
    [Id(3)] public List<RouterRule>? Rules { get; set; }
    [Id(4)] public string? DefaultRoute { get; set; }
    [Id(5)] public string? DefaultRouteStrategy { get; set; }
    [Id(6)] public RouterPolicy? Policy { get; set; }
    [Id(7)] public EndpointSpec? Endpoint { get; set; }
    [Id(8)] public RouterProxySpec? Proxy { get; set; }
    [Id(9)] public McpServerSpec? McpServer { get; set; }
}
