namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// Renders the Helm chart as <c>helm template</c> does, with tests/ChartRenderer (Go text/template + sprig, Helm's
/// engine), built once per test run. Helm itself is not installable on the CI machines; the Go toolchain and the
/// template libraries are Debian packages, which CI installs. Where they are missing, the chart tests are skipped.
/// </summary>
public static class ChartRenderer
{
    private static readonly string[] _libraries =
    [
        "github.com/Masterminds/sprig", "gopkg.in/yaml.v3", "github.com/xeipuuv/gojsonschema",
    ];

    private static readonly Lazy<Task<string>> _binary = new(BuildAsync);

    public const string GoPath = "/usr/share/gocode";

    public static string Chart => Path.Combine(RepoPaths.Root, "helm", "llmkube-orleans");

    public static bool Found { get; } = Go() is not null && _libraries.All(l => Directory.Exists(Path.Combine(GoPath, "src", l)));

    public static string SkipReason =>
        "needs Go and the template libraries Helm uses to render the chart: apt-get install golang-go golang-github-masterminds-sprig-dev "
        + "golang-gopkg-yaml.v3-dev golang-github-xeipuuv-gojsonschema-dev (CI installs them)";

    /// <summary>Renders the chart as release <paramref name="release"/> in <paramref name="ns"/> with extra values files.</summary>
    public static async Task<ProcessResult> RenderAsync(string release, string ns, params string[] valuesFiles)
    {
        var binary = await _binary.Value;
        var args = new List<string> { Chart, release, ns };
        foreach (var file in valuesFiles) args.AddRange(["-f", file]);
        return await ApiServerFixture.RunAsync(binary, args, stdin: null, TimeSpan.FromSeconds(60));
    }

    /// <summary>Renders with inline values (YAML) on top of values.yaml.</summary>
    public static async Task<ProcessResult> RenderWithAsync(string release, string ns, string valuesYaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"llmkube-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, valuesYaml);
        try { return await RenderAsync(release, ns, file); }
        finally { File.Delete(file); }
    }

    private static async Task<string> BuildAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "llmkube-chart-render-" + Environment.ProcessId);
        Directory.CreateDirectory(output);
        var binary = Path.Combine(output, "chart-render");
        var psi = new System.Diagnostics.ProcessStartInfo(Go()!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "tests", "ChartRenderer"),
        };
        foreach (var a in new[] { "build", "-o", binary, "main.go" }) psi.ArgumentList.Add(a);
        psi.Environment["GO111MODULE"] = "off";
        psi.Environment["GOPATH"] = GoPath;
        psi.Environment["GOCACHE"] = Path.Combine(output, "cache");
        psi.Environment["GOFLAGS"] = "";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException("building tests/ChartRenderer failed: " + await stderr);
        return binary;
    }

    private static string? Go()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/lib/go/bin"))
        {
            var path = Path.Combine(dir, "go");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}

/// <summary>A chart test that needs only the renderer.</summary>
public sealed class ChartFactAttribute : FactAttribute
{
    public ChartFactAttribute()
    {
        if (!ChartRenderer.Found) Skip = ChartRenderer.SkipReason;
    }
}

/// <summary>A chart test that applies what the chart renders to the real API server.</summary>
public sealed class ChartApiServerFactAttribute : FactAttribute
{
    public ChartApiServerFactAttribute()
    {
        if (!EnvtestAssets.Found) Skip = EnvtestAssets.SkipReason;
        else if (!ChartRenderer.Found) Skip = ChartRenderer.SkipReason;
    }
}
