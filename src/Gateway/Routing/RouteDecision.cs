using LLMKube.Gateway.Health;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>Where a request goes: the matched rule (if any), its candidates and how to use them.</summary>
internal readonly record struct RouteDecision(CompiledRule? Rule, BackendRuntime[] Candidates, RouteStrategy Strategy, bool FailClosed)
{
    public bool IsNoRoute => Candidates.Length == 0;
}
