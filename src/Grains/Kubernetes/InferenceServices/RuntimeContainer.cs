using System.Globalization;
using k8s.Models;
using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>The serving container of one runtime: image, command, flags, environment, the named port and probes.</summary>
public static class RuntimeContainer
{
    /// <summary>The name of the container port every Service targets.</summary>
    public const string PortName = "http";

    /// <summary>What the runtime binds to: every address, IPv6 and IPv4.</summary>
    public const string BindAddress = "::";

    /// <summary>The port the runtime listens on: <c>containerPort</c>, else <c>endpoint.port</c>, else the runtime's own.</summary>
    public static int PortOf(InferenceServiceSpec spec, RuntimeProfile profile) => spec.ContainerPort ?? spec.Endpoint?.Port ?? profile.DefaultPort;

    public static V1Container Build(InferenceServiceSpec spec, Model model, RuntimeProfile profile, string image, ModelPlacement placement, GpuRequest gpu)
    {
        var port = PortOf(spec, profile);
        var (command, args, env) = profile.Runtime switch
        {
            InferenceServiceLimits.RuntimeVllm => Vllm(spec, placement, gpu, port),
            InferenceServiceLimits.RuntimeTgi => Tgi(spec, placement, gpu, port),
            InferenceServiceLimits.RuntimeOllama => Ollama(spec, port),
            _ => LlamaCpp(spec, model, placement, gpu, port),
        };
        // Generated entries first, the user's after; a user entry replaces a generated one of the same name
        // (server-side apply refuses two entries with one name).
        env.AddRange(placement.Env);
        var user = (spec.Env ?? []).Select(ToEnvVar).ToList();
        env.RemoveAll(e => user.Any(u => u.Name == e.Name));
        env.AddRange(user);
        var requests = new Dictionary<string, ResourceQuantity>();
        if (spec.Resources?.Cpu is { Length: > 0 } cpu) requests["cpu"] = new ResourceQuantity(cpu);
        if (spec.Resources?.Memory is { Length: > 0 } memory) requests["memory"] = new ResourceQuantity(memory);
        var limits = new Dictionary<string, ResourceQuantity>();
        if (gpu.Count > 0) limits[gpu.Resource] = new ResourceQuantity(gpu.Count.ToString(CultureInfo.InvariantCulture));
        return new V1Container
        {
            Name = profile.ContainerName,
            Image = image,
            Command = command,
            Args = args.Count == 0 ? null : args,
            Env = env.Count == 0 ? null : env,
            Ports = [new V1ContainerPort { Name = PortName, ContainerPort = port, Protocol = "TCP" }],
            Resources = requests.Count == 0 && limits.Count == 0 ? null : new V1ResourceRequirements
            {
                Requests = requests.Count == 0 ? null : requests,
                Limits = limits.Count == 0 ? null : limits,
            },
            // Loading a large model takes minutes: the startup probe allows 30 of them before liveness applies.
            StartupProbe = Probe(profile.HealthPath, period: 10, failures: 180),
            LivenessProbe = Probe(profile.HealthPath, period: 15, failures: 3),
            ReadinessProbe = Probe(profile.HealthPath, period: 10, failures: 3),
            VolumeMounts = placement.Mounts.Count == 0 ? null : [.. placement.Mounts],
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = ModelPlacement.Restricted(),
        };
    }

    private static V1Probe Probe(string path, int period, int failures) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = PortName },
        PeriodSeconds = period,
        TimeoutSeconds = 5,
        FailureThreshold = failures,
    };

    private static (IList<string>?, List<string>, List<V1EnvVar>) LlamaCpp(InferenceServiceSpec spec, Model model, ModelPlacement placement, GpuRequest gpu, int port)
    {
        var extra = spec.ExtraArgs ?? [];
        var args = new List<string> { "--model", placement.ModelArgument, "--port", Text(port), "--host", BindAddress };
        if (gpu.Count > 0) args.AddRange(["--n-gpu-layers", Text(GpuRequest.Layers(model))]);
        if (spec.ContextSize is { } context) args.AddRange(["--ctx-size", Text(context)]);
        if (spec.ParallelSlots is { } slots) args.AddRange(["--parallel", Text(slots)]);
        if (spec.FlashAttention is { } flash) args.AddRange(["--flash-attn", flash ? "on" : "off"]);
        if (spec.Mode == "embedding")
        {
            if (!extra.Contains("--embedding")) args.Add("--embedding");
            if (!extra.Contains("--pooling")) args.AddRange(["--pooling", "last"]);
        }
        args.AddRange(extra);
        if (!extra.Contains("--metrics")) args.Add("--metrics");
        return (null, args, []);
    }

    private static (IList<string>?, List<string>, List<V1EnvVar>) Vllm(InferenceServiceSpec spec, ModelPlacement placement, GpuRequest gpu, int port)
    {
        var args = new List<string> { placement.ModelArgument, "--port", Text(port), "--host", BindAddress };
        if (placement.Revision is { } revision) args.AddRange(["--revision", revision]);
        if (gpu.Count > 1) args.AddRange(["--tensor-parallel-size", Text(gpu.Count)]);
        if (spec.ContextSize is { } context) args.AddRange(["--max-model-len", Text(context)]);
        if (spec.ParallelSlots is { } slots) args.AddRange(["--max-num-seqs", Text(slots)]);
        args.AddRange(spec.ExtraArgs ?? []);
        return (["vllm", "serve"], args, []);
    }

    private static (IList<string>?, List<string>, List<V1EnvVar>) Tgi(InferenceServiceSpec spec, ModelPlacement placement, GpuRequest gpu, int port)
    {
        var args = new List<string> { "--model-id", placement.ModelArgument, "--port", Text(port), "--hostname", BindAddress };
        if (placement.Revision is { } revision) args.AddRange(["--revision", revision]);
        if (gpu.Count > 1) args.AddRange(["--num-shard", Text(gpu.Count)]);
        // TGI needs the input limit below the total; both are set so its own defaults cannot contradict the context size.
        if (spec.ContextSize is { } context) args.AddRange(["--max-total-tokens", Text(context), "--max-input-tokens", Text(context - 1)]);
        if (spec.ParallelSlots is { } slots) args.AddRange(["--max-concurrent-requests", Text(slots)]);
        args.AddRange(spec.ExtraArgs ?? []);
        return (null, args, []);
    }

    private static (IList<string>?, List<string>, List<V1EnvVar>) Ollama(InferenceServiceSpec spec, int port)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "OLLAMA_HOST", Value = $"[{BindAddress}]:{Text(port)}" },
            // A serving pod keeps its model loaded; Ollama would otherwise unload it after five idle minutes.
            new() { Name = "OLLAMA_KEEP_ALIVE", Value = "-1" },
        };
        if (spec.ContextSize is { } context) env.Add(new V1EnvVar { Name = "OLLAMA_CONTEXT_LENGTH", Value = Text(context) });
        if (spec.ParallelSlots is { } slots) env.Add(new V1EnvVar { Name = "OLLAMA_NUM_PARALLEL", Value = Text(slots) });
        if (spec.FlashAttention is { } flash) env.Add(new V1EnvVar { Name = "OLLAMA_FLASH_ATTENTION", Value = flash ? "1" : "0" });
        return (null, [], env);
    }

    private static V1EnvVar ToEnvVar(EnvVar e) => new()
    {
        Name = e.Name,
        Value = e.ValueFrom is null ? e.Value ?? "" : null,
        ValueFrom = e.ValueFrom switch
        {
            { SecretKeyRef: { } s } => new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = s.Name, Key = s.Key, Optional = s.Optional } },
            { ConfigMapKeyRef: { } c } => new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = c.Name, Key = c.Key, Optional = c.Optional } },
            _ => null,
        },
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
