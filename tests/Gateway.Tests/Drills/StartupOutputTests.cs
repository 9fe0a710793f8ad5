using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Gateway.Tests.Mock;

namespace LLMKube.Gateway.Tests.Drills;

/// <summary>
/// What the real gateway process prints and returns at start-up: one clear line and a distinct exit code for
/// each kind of failure (2 invalid configuration or resources, 3 cannot listen), one line saying where a clean
/// start listens, JSON logs on stderr with only audit lines on stdout, and the configuration's precedence.
/// </summary>
public sealed class StartupOutputTests : IDisposable
{
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(60);
    private readonly string _resources = Directory.CreateTempSubdirectory("llmkube-startup-").FullName;

    public StartupOutputTests()
    {
        // A mock backend answers in-process: a clean start needs nothing else.
        File.WriteAllText(Path.Combine(_resources, "router.yaml"), MockHttp.Router(MockHttp.Backend("echo")));
    }

    public void Dispose() => Directory.Delete(_resources, recursive: true);

    /// <summary>Runs a gateway that is expected to refuse to start; returns it once it has exited.</summary>
    private static async Task<ServiceProcess> RefusedAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, Uri? listen = null)
    {
        var gateway = await ServiceProcess.GatewayAsync(arguments, waitReady: false, environment, listen);
        Assert.True(await gateway.WaitForExitAsync(_patience), $"the gateway should have refused to start:\n{gateway.Stderr}");
        Assert.DoesNotContain(gateway.StderrLines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // no stack trace
        return gateway;
    }

    [Fact]
    public async Task PortInUse_OneLineOnStderr_AndExitCode3()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var runs = await Task.WhenAll(
            RefusedAsync(["--resources", _resources], listen: new Uri($"http://127.0.0.1:{port}")),
            RefusedAsync(["--resources", _resources, $"--Gateway:SiloPort={port}"]));
        await using var http = runs[0];
        await using var silo = runs[1];

        Assert.Equal(3, http.ExitCode);
        Assert.Equal($"cannot listen on http://127.0.0.1:{port}: address already in use; choose another address with --urls", Assert.Single(http.StderrLines));
        Assert.Empty(http.StdoutLines);
        // The co-hosted silo's port: Orleans logs its own failure first; the last line names the port and the setting.
        Assert.Equal(3, silo.ExitCode);
        Assert.StartsWith($"cannot listen on silo port {port}: address already in use; choose free ones", silo.StderrLines[^1]);
        Assert.Contains("--Gateway:SiloPort", silo.StderrLines[^1]);
    }

    [Fact]
    public async Task AdminPortInUse_OrSharedWithTheDataPlane_OneLineNamingAdminUrls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var free = Ports.Free();

        var runs = await Task.WhenAll(
            RefusedAsync(["--resources", _resources, "--admin-urls", $"http://127.0.0.1:{port}"]),
            RefusedAsync(["--resources", _resources, "--admin-urls", $"http://0.0.0.0:{free}"], listen: new Uri($"http://127.0.0.1:{free}")));
        await using var inUse = runs[0];
        await using var shared = runs[1];

        Assert.Equal(3, inUse.ExitCode);
        Assert.Equal($"cannot listen on http://127.0.0.1:{port}: address already in use; choose another address with --admin-urls", Assert.Single(inUse.StderrLines));
        Assert.Equal(2, shared.ExitCode);
        Assert.Equal($"Admin:Urls (--admin-urls) must not use port {free} of urls (--urls): admin endpoints never share the traffic port",
            Assert.Single(shared.StderrLines));
    }

    [Fact]
    public async Task UnknownOptionOrRefusedValue_ProblemOnStderr_AndExitCode2()
    {
        var runs = await Task.WhenAll(
            RefusedAsync(["--resources", _resources, "--bogus"]),
            RefusedAsync(["--resources", _resources, "--log-format", "xml"]));
        await using var unknown = runs[0];
        await using var refused = runs[1];

        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("unknown option(s): --bogus; see --help", Assert.Single(unknown.StderrLines));
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("Argument 'xml' not recognized. Must be one of:", refused.StderrLines[0]);
        Assert.Empty(refused.StdoutLines); // no help text on the audit stream
    }

    [Fact]
    public async Task YamlSyntaxError_NamesFileLineAndColumn_AndExitCode2()
    {
        var file = Path.Combine(_resources, "router.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: test, namespace: default
            spec: {}
            """);

        await using var gateway = await RefusedAsync(["--resources", _resources]);

        Assert.Equal(2, gateway.ExitCode);
        Assert.Contains(gateway.StderrLines, l => l.Contains($"{file}:3:11: flow mapping is not closed", StringComparison.Ordinal));
        Assert.DoesNotContain("no ModelRouter found", gateway.Stderr);
        Assert.DoesNotContain("YamlDotNet", gateway.Stderr);
    }

    [Fact]
    public async Task InvalidGatewayOption_RefusedAtStart_NamingTheKey_AndExitCode2()
    {
        var runs = await Task.WhenAll(
            RefusedAsync(["--resources", _resources, "--Gateway:MaxJsonDepth=0"]),
            RefusedAsync(["--resources", _resources, "--Gateway:MaxJsonDepth=deep"]));
        await using var outOfRange = runs[0];
        await using var notANumber = runs[1];

        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Equal("Gateway:MaxJsonDepth must be between 1 and 1000; got 0", Assert.Single(outOfRange.StderrLines));
        Assert.Equal(2, notANumber.ExitCode);
        Assert.Equal("Failed to convert configuration value 'deep' at 'Gateway:MaxJsonDepth' to type 'System.Int32'.", Assert.Single(notANumber.StderrLines));
    }

    [Fact]
    public async Task Router_FlagBeatsSectionKeyBeatsEnvironment_AndAMissingRouterIsRefusedWithExitCode2()
    {
        var environment = new Dictionary<string, string> { ["LLMKUBE_Gateway__Router"] = "default/from-env" };
        string[] resources = ["--resources", _resources];
        var runs = await Task.WhenAll(
            RefusedAsync([.. resources, "--Gateway:Router=default/from-key", "--router", "default/from-flag"], environment),
            RefusedAsync([.. resources, "--Gateway:Router=default/from-key"], environment),
            RefusedAsync(resources, environment));
        try
        {
            // Each run names the router it would have served: the one given at the highest level.
            string[] expected = ["default/from-flag", "default/from-key", "default/from-env"];
            for (var i = 0; i < runs.Length; i++)
            {
                Assert.Equal(2, runs[i].ExitCode);
                Assert.Contains($"ModelRouter {expected[i]} not found", runs[i].Stderr);
                Assert.DoesNotContain(expected.Except([expected[i]]), other => runs[i].Stderr.Contains(other, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var run in runs) await run.DisposeAsync();
        }
    }

    [Fact]
    public async Task CleanStart_LogsOneLineSayingWhereItListensAndWhichRouterItServes()
    {
        await using var gateway = await ServiceProcess.GatewayAsync(["--resources", _resources]);
        await gateway.TerminateAsync(_patience); // flushes the log

        var listening = Assert.Single(gateway.StderrLines, l => l.Contains("listening on", StringComparison.Ordinal));
        Assert.Matches(
            $@"^\d\d:\d\d:\d\d\.\d{{3}} info: LLMKube\[1\] gateway \(standalone\) serving ModelRouter default/test: listening on {Regex.Escape(gateway.BaseAddress.ToString().TrimEnd('/'))} \(admin: http://127\.0\.0\.1:\d+\)$",
            listening);
        Assert.Equal(0, gateway.ExitCode);
    }

    [Fact]
    public async Task JsonLogFormat_EveryStderrLineIsJson_AndStdoutCarriesOnlyAuditLines()
    {
        await using var gateway = await ServiceProcess.GatewayAsync(["--resources", _resources, "--log-format", "json"]);
        using (var client = new HttpClient { BaseAddress = gateway.BaseAddress })
        using (var response = await client.SendAsync(Chat.Request()))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await gateway.TerminateAsync(_patience);
        Assert.Equal(0, gateway.ExitCode);

        var logs = gateway.StderrLines.Select(Parse).ToArray();
        Assert.All(logs, l => Assert.True(l.TryGetProperty("LogLevel", out _) && l.TryGetProperty("Category", out _), l.ToString()));
        var messages = logs.Select(l => l.GetProperty("Message").GetString()!).ToArray();
        Assert.Contains(messages, m => m.Contains($"listening on {gateway.BaseAddress.ToString().TrimEnd('/')} (admin: ", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("stopping:", StringComparison.Ordinal));

        Assert.DoesNotContain("\\u00", gateway.Stderr); // no HTML-style escapes ("+00:00", not "\u002B00:00")

        var audit = Assert.Single(gateway.StdoutLines);
        Assert.Equal("router.dispatch", Parse(audit).GetProperty("msg").GetString());
    }

    [Fact]
    public async Task StandaloneStarts_NeverLogTheWatchdogStartRace()
    {
        // Orleans' watchdog starts its platform thread, which at once measures the time since the component
        // check's timestamp, before it writes that timestamp. A zero read as TimeProvider.System's timestamp is
        // the machine's uptime, so about half the starts warned "Participant check thread has not completed for
        // <uptime>". The silo's membership clock counts from process start instead (MembershipClock), and a
        // zero then reads as a few seconds, below the warning's threshold. Several starts make a lost race likely.
        var starts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ServiceProcess.GatewayAsync(["--resources", _resources])));
        try
        {
            await Task.WhenAll(starts.Select(s => s.TerminateAsync(_patience)));
            Assert.All(starts, s =>
            {
                Assert.Equal(0, s.ExitCode);
                Assert.DoesNotContain("Participant check thread has not completed", s.Stderr);
            });
        }
        finally
        {
            foreach (var start in starts) await start.DisposeAsync();
        }
    }

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }
}
