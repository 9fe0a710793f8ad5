using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LLMKube.ControlPlane.Tests.Fixtures;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>
/// A real Prometheus (the Debian package) on a free 127.0.0.1 port, scraping every second the targets tests add
/// through file-based service discovery, with its HTTP API for PromQL. One per test collection.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Tool = "/usr/bin/promtool";

    private readonly Process _process;
    private readonly string _directory;
    private readonly Lock _gate = new();
    private readonly List<(string Job, string Test, Uri Target)> _targets = [];

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static bool Found => File.Exists(Binary) && File.Exists(Tool);

    public const string SkipReason = "needs Prometheus and promtool: apt-get install -y prometheus (CI installs it)";

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<PrometheusServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("llmkube-prometheus-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "targets.json"), "[]");
        await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            scrape_configs:
              - job_name: llmkube
                file_sd_configs:
                  - files: ['{Path.Combine(directory, "targets.json")}']
                    refresh_interval: 1s
            """);
        var port = Ports.Free();
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            $"--config.file={Path.Combine(directory, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn", "--web.console.templates=", "--web.console.libraries=",
        })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start prometheus");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await Eventually.GetAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"prometheus exited with {process.ExitCode}");
                using var ready = await server.Client.GetAsync("/-/ready");
                return ready.IsSuccessStatusCode ? "ready" : null;
            }, _ => true, TimeSpan.FromSeconds(30), "prometheus ready");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Adds <paramref name="target"/> (a process's admin address) to the scraped targets, labelled job and test.</summary>
    public async Task ScrapeAsync(string job, string test, Uri target)
    {
        string json;
        lock (_gate)
        {
            _targets.Add((job, test, target));
            json = JsonSerializer.Serialize(_targets.Select(t => new
            {
                targets = new[] { $"{t.Target.Host}:{t.Target.Port}" },
                labels = new Dictionary<string, string> { ["job"] = t.Job, ["test"] = t.Test },
            }));
        }
        // Written whole and renamed into place: Prometheus must never read half a file.
        var file = Path.Combine(_directory, "targets.json");
        var temporary = file + "." + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(temporary, json);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>Runs an instant PromQL query; throws with Prometheus's error when it refuses the expression.</summary>
    public async Task<IReadOnlyList<Sample>> QueryAsync(string promql)
    {
        using var response = await Client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (body.GetProperty("status").GetString() != "success")
            throw new InvalidOperationException($"Prometheus refused {promql}: {body.GetProperty("error").GetString()}");
        var data = body.GetProperty("data");
        if (data.GetProperty("resultType").GetString() == "scalar")
            return [new Sample(new Dictionary<string, string>(), double.Parse(data.GetProperty("result")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
        return [.. data.GetProperty("result").EnumerateArray().Select(r => new Sample(
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    /// <summary>Polls <paramref name="promql"/> until <paramref name="done"/> holds for its result (scrapes come every second).</summary>
    public Task<IReadOnlyList<Sample>> WaitForAsync(string promql, Func<IReadOnlyList<Sample>, bool> done, string? what = null)
        => Eventually.GetAsync(() => QueryAsync(promql)!, done, TimeSpan.FromSeconds(30), what ?? promql);

    /// <summary>Runs promtool with <paramref name="arguments"/>.</summary>
    public static Task<ProcessResult> PromtoolAsync(params string[] arguments)
        => ApiServerFixture.RunAsync(Tool, arguments, stdin: null, TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
