using System.Diagnostics;

namespace LLMKube.Bench.Infrastructure;

/// <summary>A process under test (gateway, silo, upstream, forwarder), on loopback, with its RSS readable.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string name, int port)
    {
        _process = process;
        Name = name;
        Port = port;
    }

    public string Name { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public int Pid => _process.Id;

    /// <summary>Resident set size in MiB, from /proc.</summary>
    public double RssMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ChildProcess> StartAsync(string name, string dll, IEnumerable<string> args, int port, string readyPath = "/healthz",
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_gcServer"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null && output.Length < 20_000) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null && output.Length < 20_000) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildProcess(process, name, port);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited: {output}");
            try
            {
                using var response = await client.GetAsync(new Uri(child.BaseAddress, readyPath));
                if (response.IsSuccessStatusCode) return child;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(100);
        }
        process.Kill(true);
        throw new TimeoutException($"{name} not ready: {output}");
    }

    /// <summary>The bench executable itself, to run a helper role (upstream, forwarder) in its own process.</summary>
    public static string Self => typeof(ChildProcess).Assembly.Location;

    /// <summary>A project's assembly built next to the bench (same configuration).</summary>
    public static string Dll(string project)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LLMKube.Orleans.sln"))) dir = dir.Parent;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        return Path.Combine(dir!.FullName, "src", project, "bin", configuration, "net10.0", $"LLMKube.{project}.dll");
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
