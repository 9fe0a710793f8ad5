using LLMKube.Grains.Api;

namespace LLMKube.Grains.Routing;

/// <summary>How a rule spreads requests over its backends.</summary>
public enum RouteStrategy { PrimaryFallback, Weighted, Shadow }
