namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>Paths inside the repository, found from the test binary by walking up to the solution file.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Crds => Path.Combine(Root, "helm", "llmkube-orleans", "crds");

    public static string Samples => Path.Combine(Root, "samples", "kubernetes");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LLMKube.Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("LLMKube.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
