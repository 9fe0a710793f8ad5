using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// A real LLMKube executable (<c>dotnet LLMKube.Gateway.dll ...</c> or <c>LLMKube.Silo.dll</c>) as a
/// child process listening on 127.0.0.1, with its stdout and stderr captured line by line.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) OnStderr(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The stderr lines so far (the log, and any start-up failure message).</summary>
    public IReadOnlyList<string> StderrLines => Lines(Stderr);

    /// <summary>The stdout lines so far (the audit log).</summary>
    public IReadOnlyList<string> StdoutLines => Lines(Stdout);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the gateway; with <paramref name="waitReady"/> waits for <c>/readyz</c>. It listens on a free port,
    /// or on <paramref name="listen"/> when given.
    /// </summary>
    public static Task<ServiceProcess> GatewayAsync(IEnumerable<string> arguments, bool waitReady = true, IDictionary<string, string>? environment = null,
        Uri? listen = null)
        => StartAsync("Gateway", arguments, waitReady, environment, listen);

    /// <summary>Starts a silo; with <paramref name="waitReady"/> waits for <c>/readyz</c> on its admin port.</summary>
    public static Task<ServiceProcess> SiloAsync(IEnumerable<string> arguments, bool waitReady = true, IDictionary<string, string>? environment = null)
        => StartAsync("Silo", arguments, waitReady, environment, null);

    private static async Task<ServiceProcess> StartAsync(string project, IEnumerable<string> arguments, bool waitReady, IDictionary<string, string>? environment,
        Uri? listen)
    {
        listen ??= new Uri($"http://127.0.0.1:{Ports.Free()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll(project));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(listen.ToString().TrimEnd('/'));
        // Gateways run side by side here: each gets its own admin port unless the test chose one.
        if (project == "Gateway" && !arguments.Contains("--admin-urls"))
        {
            start.ArgumentList.Add("--admin-urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {project}");
        var service = new ServiceProcess(process, listen);
        try
        {
            if (waitReady) await service.WaitReadyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await service.DisposeAsync(); // never leave a process behind
            throw;
        }
        return service;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"process exited with {_process.ExitCode}:\n{Stdout}\n{Stderr}");
            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"process not ready after {timeout}:\n{Stdout}\n{Stderr}");
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>, written before or after the call; returns the line.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_stderr)
        {
            if (Lines(_stderr.ToString()).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            _waiters.Add((l => l.Contains(text, StringComparison.Ordinal), found));
        }
        // Exiting ends the wait early: the process's output is complete once WaitForExitAsync returns.
        var exited = _process.WaitForExitAsync();
        try
        {
            await Task.WhenAny(found.Task, exited).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no stderr line with \"{text}\" after {timeout}:\n{Stderr}");
        }
        return found.Task.IsCompleted
            ? await found.Task
            : throw new InvalidOperationException($"process exited with {_process.ExitCode} before logging \"{text}\":\n{Stderr}");
    }

    /// <summary>Waits for the process to exit; false when it is still running after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout).ContinueWith(t => t.IsCompletedSuccessfully);

    /// <summary>Sends a signal (<c>TERM</c>, <c>INT</c>) to the process, as Kubernetes or Ctrl+C would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with {kill.ExitCode}");
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it: a graceful shutdown.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        await SignalAsync("TERM");
        try { await _process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { await KillAsync(); }
    }

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>The project's assembly, built in the same configuration as this test assembly.</summary>
    public static string Dll(string project)
    {
        var testDir = AppContext.BaseDirectory; // .../tests/Gateway.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testDir.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var root = new DirectoryInfo(testDir);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "LLMKube.Orleans.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("repository root not found");
        var dll = Path.Combine(root.FullName, "src", project, "bin", configuration, "net10.0", $"LLMKube.{project}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build src/{project} first", dll);
    }

    private void OnStderr(string line)
    {
        lock (_stderr)
        {
            _stderr.AppendLine(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Match(line)) continue;
                _waiters[i].Found.TrySetResult(line);
                _waiters.RemoveAt(i);
            }
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();


    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
