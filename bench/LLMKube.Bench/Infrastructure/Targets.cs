namespace LLMKube.Bench.Infrastructure;

/// <summary>Starts the processes the scenarios measure, each on its own loopback port.</summary>
public static class Targets
{
    public static Task<ChildProcess> UpstreamAsync(int latencyMs = 0, bool reset = false)
    {
        var port = Ports.Free();
        var args = new List<string> { "upstream", "--port", port.ToString(), "--latency-ms", latencyMs.ToString() };
        if (reset) args.Add("--reset");
        return ChildProcess.StartAsync(reset ? "upstream (reset)" : "upstream", ChildProcess.Self, args, port);
    }

    public static Task<ChildProcess> ForwarderAsync(ChildProcess upstream)
    {
        var port = Ports.Free();
        return ChildProcess.StartAsync("bare YARP", ChildProcess.Self, ["forwarder", "--port", port.ToString(), "--upstream", upstream.BaseAddress.ToString()], port);
    }

    public static Task<ChildProcess> StandaloneAsync(string resources, string? router = null, IEnumerable<string>? extra = null)
    {
        var port = Ports.Free();
        var args = new List<string> { "--standalone", "--resources", resources, "--urls", $"http://127.0.0.1:{port}", "--admin-urls", AdminUrl() };
        if (router is not null) args.AddRange(["--router", router]);
        args.AddRange(extra ?? []);
        return ChildProcess.StartAsync("standalone gateway", ChildProcess.Dll("Gateway"), args, port, "/readyz", Quiet);
    }

    public static Task<ChildProcess> SiloAsync(LocalRedis redis, string serviceId, string resources)
    {
        var port = Ports.Free();
        return ChildProcess.StartAsync("silo", ChildProcess.Dll("Silo"),
            ["--redis", redis.Endpoint, "--resources", resources, "--urls", $"http://127.0.0.1:{port}",
             "--silo-port", Ports.Free().ToString(), "--gateway-port", Ports.Free().ToString()],
            port, "/readyz", Cluster(serviceId));
    }

    public static Task<ChildProcess> ClusterGatewayAsync(LocalRedis redis, string serviceId, string router)
    {
        var port = Ports.Free();
        return ChildProcess.StartAsync("cluster gateway", ChildProcess.Dll("Gateway"),
            ["--redis", redis.Endpoint, "--router", router, "--urls", $"http://127.0.0.1:{port}", "--admin-urls", AdminUrl()], port, "/readyz", Cluster(serviceId));
    }

    // Every gateway keeps its admin listener (and so its metrics) on, each on a port of its own.
    private static string AdminUrl() => $"http://127.0.0.1:{Ports.Free()}";

    /// <summary>Audit lines still serialized and written, to /dev/null, so their cost is measured.</summary>
    private static Dictionary<string, string> Quiet => new()
    {
        ["LLMKUBE_Gateway__AuditLog"] = "/dev/null",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static Dictionary<string, string> Cluster(string serviceId) => new(Quiet)
    {
        ["LLMKUBE_Cluster__ServiceId"] = serviceId,
        ["LLMKUBE_Cluster__ClusterId"] = serviceId,
    };

    /// <summary>A resources directory holding one router, <c>default/bench</c>: backends entries, then other spec fields.</summary>
    public static string Resources(string routerSpec)
    {
        var dir = Directory.CreateTempSubdirectory("llmkube-bench-").FullName;
        File.WriteAllText(Path.Combine(dir, "router.yaml"), $"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: {"{"} name: bench, namespace: default {"}"}
            spec:
              backends:
            {routerSpec}
            """);
        return dir;
    }

    /// <summary>A local-tier backend entry.</summary>
    public static string Backend(string name, int port) => $"""
          - name: {name}
            tier: local
            external: {"{"} provider: openai, url: "http://127.0.0.1:{port}", model: bench {"}"}

        """;
}
