using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Resources;

/// <summary>
/// One read of the resource files, every ModelRouter in it validated and compiled: what a host applies
/// to its Router grains. <see cref="Problems"/> refuse the whole set; warnings never do.
/// </summary>
public sealed record CompiledResources(
    string Source,
    ResourceSet Resources,
    IReadOnlyList<RouterConfig> Configs,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings)
{
    private const string GatewayDataPlane = "Gateway";

    /// <summary>True when the set can be applied.</summary>
    public bool Succeeded => Problems.Count == 0;

    /// <summary>Reads <paramref name="path"/> (a file or a directory) and compiles every router in it. Never throws for bad input.</summary>
    public static CompiledResources Load(string path)
    {
        var load = ResourceLoader.LoadPath(path);
        var problems = load.Problems.Select(p => p.ToString()).ToList();
        var configs = new List<RouterConfig>();
        foreach (var router in load.Resources.Routers)
        {
            if (router.Spec?.DataPlane == GatewayDataPlane)
            {
                // Served by our gateway, a Gateway-mode router would lose what Envoy enforces for it (JWT, budgets).
                problems.Add(new ResourceProblem(load.Resources.SourceOf(router) ?? path, $"ModelRouter {router.Key}", "spec.dataPlane",
                    "dataPlane Gateway is served by an Envoy AI Gateway in a cluster, not by this gateway; use Proxy (or remove the field) to serve it from files").ToString());
                continue;
            }
            var compiled = RouterCompiler.Compile(router, load.Resources);
            foreach (var error in compiled.Errors)
                problems.Add(new ResourceProblem(load.Resources.SourceOf(router) ?? path, $"ModelRouter {router.Key}", error.Path, error.Message).ToString());
            if (compiled.Config is { } config) configs.Add(config);
        }
        var warnings = load.Warnings.Concat(ResourceNotes.OutsideKubernetes(load.Resources)).Select(w => w.ToString()).ToList();
        return new CompiledResources(path, load.Resources, configs, problems, warnings);
    }

    /// <summary>The message a process exits with when the set it starts from is invalid.</summary>
    public string RefusalMessage(IEnumerable<string>? more = null)
        => $"refusing to start: the resources in {Source} are invalid:{Environment.NewLine}  "
           + string.Join(Environment.NewLine + "  ", Problems.Concat(more ?? []));
}
