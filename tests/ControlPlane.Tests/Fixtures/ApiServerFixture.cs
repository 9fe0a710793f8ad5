using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// A real <c>etcd</c> and <c>kube-apiserver</c> on 127.0.0.1 with free ports (started by the envtest bundle's
/// <c>start.sh</c>), our generated CRDs installed, and an admin <see cref="k8s.Kubernetes"/> client. One per test
/// collection: the pair takes about 5 s to start and 300 MB to run. Where the bundle is absent nothing starts and
/// the tests using it are skipped (see <see cref="ApiServerFactAttribute"/>).
/// </summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private string? _state;

    public string KubeconfigPath { get; private set; } = "";

    public string ApiUrl { get; private set; } = "";

    public string EtcdUrl { get; private set; } = "";

    public k8s.Kubernetes Client { get; private set; } = null!;

    public KubernetesClientConfiguration Config { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!EnvtestAssets.Found) return;
        _state = Path.Combine(Path.GetTempPath(), "llmkube-envtest-" + Guid.NewGuid().ToString("N")[..10]);
        var kubeconfig = Path.Combine(_state, "kubeconfig");
        var start = await RunAsync(Path.Combine(EnvtestAssets.Directory!, "start.sh"), [kubeconfig, _state], stdin: null, TimeSpan.FromSeconds(90));
        if (start.ExitCode != 0) throw new InvalidOperationException("envtest start.sh failed: " + start.StdErr);
        var env = File.ReadAllLines(Path.Combine(_state, "env"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        KubeconfigPath = kubeconfig;
        ApiUrl = env["ENVTEST_API_URL"];
        EtcdUrl = env["ENVTEST_ETCD_URL"];
        Config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        Client = new k8s.Kubernetes(Config);
        await InstallCrdsAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_state is null) return;
        await RunAsync(Path.Combine(EnvtestAssets.Directory!, "stop.sh"), [_state], stdin: null, TimeSpan.FromSeconds(30));
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Installs (server-side apply) every CRD under <c>helm/llmkube-orleans/crds</c> and waits until each is Established.</summary>
    public async Task InstallCrdsAsync()
    {
        if (!Directory.Exists(RepoPaths.Crds) || Directory.GetFiles(RepoPaths.Crds, "*.yaml").Length == 0) return;
        var apply = await KubectlAsync("apply", "--server-side", "-f", RepoPaths.Crds);
        if (apply.ExitCode != 0) throw new InvalidOperationException("installing the CRDs failed: " + apply.StdErr);
        var wait = await KubectlAsync("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
        if (wait.ExitCode != 0) throw new InvalidOperationException("the CRDs did not become Established: " + wait.StdErr);
    }

    /// <summary>A fresh namespace, so tests in one collection never see each other's objects; <paramref name="labels"/> for selectors.</summary>
    public async Task<string> CreateNamespaceAsync(string prefix = "t", IDictionary<string, string>? labels = null)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels } });
        return name;
    }

    /// <summary>Runs the bundle's <c>kubectl</c> against this API server.</summary>
    public Task<ProcessResult> KubectlAsync(params string[] args) => KubectlWithInputAsync(null, args);

    /// <summary>Runs <c>kubectl</c> with <paramref name="stdin"/> on its standard input (for <c>apply -f -</c>).</summary>
    public Task<ProcessResult> KubectlWithInputAsync(string? stdin, params string[] args)
        => RunAsync(EnvtestAssets.Kubectl, ["--kubeconfig", KubeconfigPath, .. args], stdin, TimeSpan.FromSeconds(60));

    /// <summary>
    /// Compacts etcd up to its current revision (through etcd's v3 HTTP gateway), so a watch that resumes from an
    /// older resourceVersion gets 410 Gone, as after a long disconnection on a busy cluster.
    /// </summary>
    public async Task CompactEtcdAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(EtcdUrl) };
        using var range = await http.PostAsJsonAsync("/v3/kv/range", new { key = Convert.ToBase64String("/"u8.ToArray()) });
        range.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await range.Content.ReadAsStringAsync())!;
        var revision = long.Parse(body["header"]!["revision"]!.GetValue<string>());
        using var compact = await http.PostAsJsonAsync("/v3/kv/compaction", new { revision, physical = true });
        compact.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Restarts kube-apiserver with the same flags and port (etcd keeps running): its watch cache starts again at
    /// etcd's current revision, so a watch resuming from an older resourceVersion gets 410 Gone.
    /// </summary>
    public async Task RestartApiServerAsync()
    {
        var pidFile = Path.Combine(_state!, "kube-apiserver.pid");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        using (var old = Process.GetProcessById(pid))
        {
            old.Kill();
            await old.WaitForExitAsync();
        }
        var psi = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not restart kube-apiserver");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        File.WriteAllText(pidFile, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                var ready = await Client.CoreV1.ListNamespaceAsync(limit: 1);
                if (ready is not null) return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Every test class that needs the API server joins this collection and shares one server.</summary>
[CollectionDefinition(Name)]
public sealed class ApiServerCollection : ICollectionFixture<ApiServerFixture>
{
    public const string Name = "api-server";
}
