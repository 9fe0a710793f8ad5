using k8s.Models;
using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;

using LLMKube.Grains.Models;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>How a pod gets a Model's weights: volumes, init containers, and what the runtime is told.</summary>
/// <param name="ModelArgument">The path inside the container, or the repo id the runtime downloads itself.</param>
/// <param name="Revision">The Hugging Face revision the runtime should fetch, when the source names one.</param>
/// <param name="ModelName">The name an Ollama runtime serves the weights under.</param>
public sealed record ModelPlacement(
    string ModelArgument,
    string? Revision,
    string ModelName,
    IReadOnlyList<V1Volume> Volumes,
    IReadOnlyList<V1VolumeMount> Mounts,
    IReadOnlyList<V1Container> InitContainers,
    IReadOnlyList<V1EnvVar> Env)
{
    public const string StorageVolume = "model-storage";
    public const string SourceVolume = "model-source";
    public const string StoragePath = "/models";
    public const string SourcePath = "/model-source";

    /// <summary>
    /// Where the weights of <paramref name="model"/> come from for <paramref name="profile"/>, or why this runtime
    /// cannot serve them. A single file is downloaded by an init container into <c>model-storage</c> (the claim
    /// <c>modelCache.claimName</c> names, else an emptyDir) under <c>/models/&lt;cacheKey&gt;/</c>; a pvc:// source is
    /// mounted read-only at <c>/model-source</c>; a Hugging Face repo goes to vLLM and TGI as the model id (they fetch
    /// it into <c>model-storage</c>); Ollama imports a file (<c>ollama create</c>) or pulls a repo in an init step.
    /// </summary>
    public static (ModelPlacement? Placement, PlanFailure? Failure) Plan(
        InferenceServiceSpec spec, Model model, RuntimeProfile profile, string runtimeImage, InferenceServiceSettings settings)
    {
        var modelName = model.Metadata.Name ?? "";
        var source = ModelSource.Parse(model.Spec?.Source);
        if (source.Kind == ModelSourceKind.Unsupported)
            return Fail("InvalidModelSource", $"Model {modelName}'s spec.source {source.Error}");
        var format = model.Spec?.Format ?? "gguf";
        var runtime = profile.Runtime;
        var ggufRuntime = runtime is InferenceServiceLimits.RuntimeLlamaCpp or InferenceServiceLimits.RuntimeOllama;
        if (ggufRuntime && format != "gguf")
            return Fail("ModelFormatNotSupported", $"runtime {runtime} serves gguf weights; Model {modelName} has format {format}");
        if (source.Kind == ModelSourceKind.HostPath)
            return Fail("ModelSourceNotServable", $"Model {modelName}'s source {source.Raw} is a local path, which only the Mac agent serves (hardware.accelerator: metal); use http(s), hf or pvc:// in the cluster");
        if (source.Kind == ModelSourceKind.HuggingFaceRepo && runtime == InferenceServiceLimits.RuntimeLlamaCpp)
            return Fail("ModelFileRequired", $"runtime llamacpp needs one gguf file, but Model {modelName}'s source {source.Raw} names a whole repo; use the file's URL, https://huggingface.co/{source.Repo}/resolve/{source.Revision ?? "main"}/<file>.gguf");
        if (source.IsDownload && runtime == InferenceServiceLimits.RuntimeTgi)
            return Fail("ModelRepoRequired", $"runtime tgi serves a Hugging Face repo or a folder on a pvc:// source, not the single file {source.Raw}");
        if (source.IsDownload && runtime == InferenceServiceLimits.RuntimeVllm && format != "gguf")
            return Fail("ModelRepoRequired", $"runtime vllm serves a single file only in gguf format; Model {modelName} has format {format}: use a Hugging Face repo or a pvc:// folder");

        var skipInit = spec.SkipModelInit == true;
        var claim = spec.ModelCache?.Persistence == "Ephemeral" ? null : spec.ModelCache?.ClaimName;
        if (skipInit && claim is null && (source.IsDownload || runtime == InferenceServiceLimits.RuntimeOllama))
            return Fail("ModelInitRequired", "spec.skipModelInit: without modelCache.claimName the weights would go to an empty volume that nothing fills; name a pre-filled claim or drop skipModelInit");

        var volumes = new List<V1Volume>();
        var mounts = new List<V1VolumeMount>();
        var inits = new List<V1Container>();
        var env = new List<V1EnvVar>();
        var needsStorage = source.IsDownload || source.Kind == ModelSourceKind.HuggingFaceRepo || runtime == InferenceServiceLimits.RuntimeOllama;
        if (needsStorage)
        {
            volumes.Add(claim is null
                ? new V1Volume { Name = StorageVolume, EmptyDir = new V1EmptyDirVolumeSource() }
                : new V1Volume { Name = StorageVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } });
            // Only llama.cpp just reads; vLLM, TGI and Ollama write their own caches there.
            mounts.Add(new V1VolumeMount { Name = StorageVolume, MountPath = StoragePath, ReadOnlyProperty = runtime == InferenceServiceLimits.RuntimeLlamaCpp ? true : null });
        }
        if (source.Kind == ModelSourceKind.Pvc)
        {
            volumes.Add(new V1Volume { Name = SourceVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = source.Claim, ReadOnlyProperty = true } });
            mounts.Add(new V1VolumeMount { Name = SourceVolume, MountPath = SourcePath, ReadOnlyProperty = true });
        }

        string argument;
        string? revision = null;
        if (source.IsDownload)
        {
            var key = model.Status?.CacheKey is { Length: > 0 } known ? known : ModelSource.CacheKey(source.Raw);
            argument = $"{StoragePath}/{key}/{source.FileName}";
            if (!skipInit) inits.Add(Downloader(settings.DownloaderImage, source.Raw, $"{StoragePath}/{key}", argument, model.Spec?.Sha256));
        }
        else if (source.Kind == ModelSourceKind.Pvc)
        {
            argument = model.Status?.Path is { Length: > 0 } path && path.StartsWith(SourcePath, StringComparison.Ordinal)
                ? path
                : source.ClaimPath!.Length == 0 ? SourcePath : $"{SourcePath}/{source.ClaimPath}";
        }
        else
        {
            argument = source.Repo!;
            revision = source.Revision;
        }

        switch (runtime)
        {
            case InferenceServiceLimits.RuntimeVllm:
                env.Add(new V1EnvVar { Name = "HF_HOME", Value = $"{StoragePath}/huggingface" });
                break;
            case InferenceServiceLimits.RuntimeTgi:
                env.Add(new V1EnvVar { Name = "HUGGINGFACE_HUB_CACHE", Value = $"{StoragePath}/huggingface" });
                break;
            case InferenceServiceLimits.RuntimeOllama:
                env.Add(new V1EnvVar { Name = "OLLAMA_MODELS", Value = $"{StoragePath}/ollama" });
                if (!skipInit)
                {
                    // A repo is pulled from Hugging Face's Ollama registry; @rev picks its tag (a quantization, e.g. Q4_K_M).
                    var pull = source.Kind == ModelSourceKind.HuggingFaceRepo
                        ? $"hf.co/{source.Repo}{(source.Revision is null ? "" : ":" + source.Revision)}"
                        : null;
                    inits.Add(OllamaInit(runtimeImage, modelName, pull, pull is null ? argument : null, mounts));
                }
                argument = modelName;
                break;
        }
        return (new ModelPlacement(argument, revision, modelName, volumes, mounts, inits, env), null);
    }

    private static (ModelPlacement?, PlanFailure?) Fail(string reason, string message) => (null, new PlanFailure(reason, message));

    // Downloads once into the cache folder: a file already there (and matching sha256, when given) is kept. The
    // temporary name carries the pod name, so replicas sharing a cache claim never write the same file.
    private const string DownloadScript = """
        set -eu
        mkdir -p "$CACHE_DIR"
        verify() { [ -z "${MODEL_SHA256:-}" ] || echo "$MODEL_SHA256  $1" | sha256sum -c - >/dev/null 2>&1; }
        if [ -s "$MODEL_PATH" ] && verify "$MODEL_PATH"; then echo "model already in $MODEL_PATH"; exit 0; fi
        tmp="$MODEL_PATH.tmp.$HOSTNAME"
        rm -f "$tmp"
        curl -fSL --retry 5 --retry-delay 5 -o "$tmp" "$MODEL_SOURCE"
        if ! verify "$tmp"; then rm -f "$tmp"; echo "sha256 of the download does not match $MODEL_SHA256" >&2; exit 1; fi
        mv "$tmp" "$MODEL_PATH"
        echo "model downloaded to $MODEL_PATH"
        """;

    private static V1Container Downloader(string image, string url, string cacheDir, string path, string? sha256)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "MODEL_SOURCE", Value = url },
            new() { Name = "CACHE_DIR", Value = cacheDir },
            new() { Name = "MODEL_PATH", Value = path },
        };
        if (!string.IsNullOrEmpty(sha256)) env.Add(new V1EnvVar { Name = "MODEL_SHA256", Value = sha256.ToLowerInvariant() });
        return new V1Container
        {
            Name = "model-downloader",
            Image = image,
            Command = ["sh", "-c", DownloadScript],
            Env = env,
            VolumeMounts = [new V1VolumeMount { Name = StorageVolume, MountPath = StoragePath }],
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = Restricted(),
        };
    }

    // A private server on localhost imports the weights into OLLAMA_MODELS, so the serving container starts with
    // the model present and its readiness means the model can be served.
    private const string OllamaScript = """
        set -eu
        ollama serve >/tmp/ollama-serve.log 2>&1 &
        server=$!
        i=0
        until ollama list >/dev/null 2>&1; do
          i=$((i+1)); if [ "$i" -ge 120 ]; then cat /tmp/ollama-serve.log >&2; exit 1; fi; sleep 1
        done
        if [ -n "${OLLAMA_PULL:-}" ]; then
          ollama pull "$OLLAMA_PULL"
          ollama cp "$OLLAMA_PULL" "$OLLAMA_MODEL"
        else
          printf 'FROM %s\n' "$OLLAMA_MODEL_FILE" > /tmp/Modelfile
          ollama create "$OLLAMA_MODEL" -f /tmp/Modelfile
        fi
        kill "$server"
        """;

    private static V1Container OllamaInit(string image, string modelName, string? pull, string? file, IReadOnlyList<V1VolumeMount> mounts)
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "OLLAMA_MODELS", Value = $"{StoragePath}/ollama" },
            new() { Name = "OLLAMA_HOST", Value = "127.0.0.1:11434" },
            new() { Name = "OLLAMA_MODEL", Value = modelName },
        };
        env.Add(pull is not null ? new V1EnvVar { Name = "OLLAMA_PULL", Value = pull } : new V1EnvVar { Name = "OLLAMA_MODEL_FILE", Value = file });
        return new V1Container
        {
            Name = "ollama-import",
            Image = image,
            Command = ["sh", "-c", OllamaScript],
            Env = env,
            VolumeMounts = [.. mounts.Select(m => new V1VolumeMount { Name = m.Name, MountPath = m.MountPath, ReadOnlyProperty = m.Name == SourceVolume ? true : null })],
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = Restricted(),
        };
    }

    /// <summary>No privilege escalation and no capabilities: what every container of a serving pod gets.</summary>
    public static V1SecurityContext Restricted() => new() { AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } };
}
