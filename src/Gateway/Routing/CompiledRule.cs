using System.Collections.Frozen;
using System.Text.Json;
using LLMKube.Gateway.Health;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>A rule with its candidates resolved and its static conditions precomputed.</summary>
internal sealed class CompiledRule
{
    public CompiledRule(RuleConfig config, BackendRuntime[] candidates)
    {
        Config = config;
        Candidates = candidates;
        // requiredCapabilities depends only on the config: at least one routed backend must have them all.
        CapabilitiesSatisfied = config.RequiredCapabilities.Length == 0
            || candidates.Any(c => config.RequiredCapabilities.All(c.Config.Capabilities.Contains));
        ModelsHasStar = config.Models.Contains("*");
    }

    public RuleConfig Config { get; }

    public BackendRuntime[] Candidates { get; }

    public bool CapabilitiesSatisfied { get; }

    public bool ModelsHasStar { get; }
}
