namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// Where the real <c>kube-apiserver</c>, <c>etcd</c> and <c>kubectl</c> of the tests live: the folder named by
/// <c>KUBEBUILDER_ASSETS</c>, as controller-runtime's envtest finds them. Without it the API-server tests
/// are skipped with <see cref="SkipReason"/>; every other test still runs.
/// </summary>
public static class EnvtestAssets
{
    public const string Variable = "KUBEBUILDER_ASSETS";

    public static string? Directory { get; } = Find();

    public static bool Found => Directory is not null;

    public static string SkipReason =>
        $"needs a real kube-apiserver and etcd: set {Variable} to a folder holding kube-apiserver, etcd, kubectl and start.sh (the envtest bundle; CI sets it)";

    public static string Kubectl => Path.Combine(Directory ?? throw new InvalidOperationException(SkipReason), "kubectl");

    private static string? Find()
    {
        var dir = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(dir)) return null;
        string[] needed = ["kube-apiserver", "etcd", "kubectl", "start.sh", "stop.sh"];
        return needed.All(f => File.Exists(Path.Combine(dir, f))) ? dir : null;
    }
}

/// <summary>A test that runs against the real API server, skipped with a message where there is none.</summary>
public sealed class ApiServerFactAttribute : FactAttribute
{
    public ApiServerFactAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
    }
}

/// <summary>A data-driven test against the real API server, skipped with a message where there is none.</summary>
public sealed class ApiServerTheoryAttribute : TheoryAttribute
{
    public ApiServerTheoryAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
    }
}
