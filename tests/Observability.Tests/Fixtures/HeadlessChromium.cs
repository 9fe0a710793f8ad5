using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>
/// A real browser (the Debian <c>chromium</c> package) run headless for one page: the DOM after its scripts ran, or a
/// screenshot. Each run has a fresh profile, deleted afterwards, and no background network traffic.
/// </summary>
public static class HeadlessChromium
{
    public const string Binary = "/usr/bin/chromium";

    public const string SkipReason = "needs Chromium: apt-get install -y chromium (CI installs it)";

    public static bool Found => File.Exists(Binary);

    /// <summary>The page's DOM once its scripts had <paramref name="budget"/> of (virtual) time to fetch and render.</summary>
    public static async Task<string> DumpDomAsync(Uri url, TimeSpan? budget = null)
    {
        var result = await RunAsync(url, budget, "--dump-dom");
        Assert.True(result.ExitCode == 0, $"chromium failed with {result.ExitCode}: {result.StdErr}");
        return result.StdOut;
    }

    /// <summary>Saves a PNG of the page at <paramref name="width"/>×<paramref name="height"/> to <paramref name="file"/>.</summary>
    public static async Task ScreenshotAsync(Uri url, string file, int width = 1400, int height = 900, TimeSpan? budget = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var result = await RunAsync(url, budget, $"--screenshot={file}", $"--window-size={width},{height}", "--hide-scrollbars");
        Assert.True(result.ExitCode == 0 && File.Exists(file), $"chromium failed with {result.ExitCode}: {result.StdErr}");
    }

    private static async Task<ProcessResult> RunAsync(Uri url, TimeSpan? budget, params string[] output)
    {
        var profile = Directory.CreateTempSubdirectory("llmkube-chromium-").FullName;
        try
        {
            string[] arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
                $"--virtual-time-budget={(int)(budget ?? TimeSpan.FromSeconds(8)).TotalMilliseconds}",
                .. output, url.ToString(),
            ];
            return await ApiServerFixture.RunAsync(Binary, arguments, stdin: null, TimeSpan.FromSeconds(90));
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        }
    }
}
