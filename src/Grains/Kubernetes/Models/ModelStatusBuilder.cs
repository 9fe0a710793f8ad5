using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LLMKube.Grains.Api;
using LLMKube.Grains.Models;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Kubernetes.Models;

/// <summary>
/// <c>status</c> of a Model as a pure function of what was observed: the spec (validated against the silo's source
/// policy), the claim of a <c>pvc://</c> source, and the GGUF header read of an <c>http(s)://</c> source. Nothing is
/// downloaded here: serving pods fetch or mount the weights; the status tells them where (<c>cacheKey</c>, <c>path</c>).
/// </summary>
public static class ModelStatusBuilder
{
    public const string PhasePending = "Pending";
    public const string PhaseReady = "Ready";
    public const string PhaseFailed = "Failed";

    /// <summary>Where serving pods mount the claim of a <c>pvc://</c> source (read-only).</summary>
    public const string ClaimMountPath = "/model-source";

    public const string SourceResolved = "SourceResolved";
    public const string RuntimeResolved = "RuntimeResolved";
    public const string PvcModelReady = "PVCModelReady";
    public const string PvcNotFound = "PVCNotFound";
    public const string PvcNotBound = "PVCNotBound";
    public const string MetalAgentManaged = "MetalAgentManaged";
    public const string HostPathResolved = "HostPathResolved";
    public const string SourceNotAllowed = "SourceNotAllowed";
    public const string SpecInvalid = "SpecInvalid";
    public const string ReadingHeader = "ReadingHeader";
    public const string HeaderRead = "HeaderRead";
    public const string HeaderUnreadable = "HeaderUnreadable";
    public const string HeaderSkipped = "HeaderSkipped";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <param name="observed">The Model and its claim.</param>
    /// <param name="header">The header read of this Model's current source and generation; null when none has finished in this activation.</param>
    /// <param name="policy">The silo's allowed host-path roots and remote hosts.</param>
    /// <param name="previous">The conditions last written (kept for transition times, events and a header read settled before a restart).</param>
    /// <param name="now">The time of this decision.</param>
    public static ModelDecision Decide(ModelObservation observed, HeaderProbe? header, ModelSourcePolicy policy, IReadOnlyList<KubeCondition>? previous, DateTimeOffset now)
    {
        var model = observed.Model;
        var generation = model.Metadata.Generation ?? 0;
        var status = new JsonObject { ["observedGeneration"] = generation };
        var errors = ModelValidator.Validate(model, policy);
        var source = ModelSource.Parse(model.Spec?.Source);
        var readHeader = false;
        Verdict verdict;
        if (errors.Count > 0)
        {
            var onlyHostPath = source.Kind == ModelSourceKind.HostPath && errors.All(e => e.Path == "spec.source");
            var message = string.Join("; ", errors.Select(e => e.ToString()));
            verdict = new(PhaseFailed, onlyHostPath ? SourceNotAllowed : SpecInvalid, message, new(false, onlyHostPath ? SourceNotAllowed : SpecInvalid, "nothing proceeds until the spec is fixed"));
        }
        else
        {
            switch (source.Kind)
            {
                case ModelSourceKind.Http:
                    status["cacheKey"] = ModelSource.CacheKey(source.Raw);
                    var progress = HeaderProgress(model, source.Url!, header, policy, previous, generation, status, out readHeader);
                    verdict = new(PhaseReady, SourceResolved, $"serving pods download the file from {source.Url!.Host} into the model cache", progress);
                    break;
                case ModelSourceKind.HuggingFaceRepo:
                    var repo = source.Repo + (source.Revision is { } rev ? "@" + rev : "");
                    verdict = Settled(PhaseReady, RuntimeResolved, $"the serving runtime pulls the Hugging Face repo {repo} itself");
                    break;
                case ModelSourceKind.Pvc:
                    verdict = Claim(observed, source, status);
                    break;
                default:
                    status["path"] = source.HostPath;
                    verdict = model.Spec?.Hardware?.Accelerator == "metal"
                        ? Settled(PhaseReady, MetalAgentManaged, $"the Metal agent loads {source.HostPath} from its Mac's disk")
                        : Settled(PhaseReady, HostPathResolved, $"serving pods mount {source.HostPath} from their node (hostPath, read-only)");
                    break;
            }
        }

        var failed = verdict.Phase == PhaseFailed;
        var conditions = new List<KubeCondition>
        {
            KubeCondition.Next(previous, "Available", verdict.Phase == PhaseReady, verdict.Reason, verdict.Message, now, generation),
            KubeCondition.Next(previous, "Progressing", verdict.Progressing.Status, verdict.Progressing.Reason, verdict.Progressing.Message, now, generation),
            KubeCondition.Next(previous, "Degraded", failed, verdict.Reason, failed ? verdict.Message : "the source is usable", now, generation),
        };
        status["phase"] = verdict.Phase;
        status["conditions"] = new JsonArray([.. conditions.Select(c => c.ToJson())]);
        return new ModelDecision(status, conditions, verdict.Phase, verdict.Reason, Events(verdict, previous, generation), readHeader);
    }

    private static Verdict Claim(ModelObservation observed, ModelSource source, JsonObject status)
    {
        var ns = observed.Model.Metadata.NamespaceOrDefault;
        if (observed.ClaimExists != true)
            return new(PhaseFailed, PvcNotFound, $"PersistentVolumeClaim {source.Claim} not found in namespace {ns}", new(false, PvcNotFound, "waiting for the claim to be created"));
        if (observed.ClaimPhase != "Bound")
        {
            var message = $"PersistentVolumeClaim {source.Claim} is {observed.ClaimPhase ?? "not bound"}, not Bound";
            return new(PhasePending, PvcNotBound, message, new(true, PvcNotBound, message));
        }
        status["path"] = $"{ClaimMountPath}/{source.ClaimPath}";
        return Settled(PhaseReady, PvcModelReady, $"serving pods mount PersistentVolumeClaim {source.Claim} read-only at {ClaimMountPath}");
    }

    // The header of an http(s) file is read once per generation; its outcome never changes the phase.
    private static Progress HeaderProgress(Model model, Uri url, HeaderProbe? header, ModelSourcePolicy policy,
        IReadOnlyList<KubeCondition>? previous, long generation, JsonObject status, out bool readHeader)
    {
        readHeader = false;
        if (model.Spec?.Format == "safetensors")
            return new(false, HeaderSkipped, "the silo reads the header of gguf files only");
        if (!policy.AllowsRemoteHost(url.Host))
            return new(false, HeaderSkipped, $"the silo does not fetch from {url.Host}: it is not in {ModelSourcePolicy.RemoteHostsSetting}");
        if (header is not null)
        {
            if (header.SizeBytes is { } size) status["size"] = ModelSize.Format(size);
            if (header.HasMetadata)
            {
                status["gguf"] = JsonSerializer.SerializeToNode(header.Gguf, _json);
                return new(false, HeaderRead, Describe(header.Gguf!) + (header.Error is { } partial ? $" (partial: {partial})" : ""));
            }
            return new(false, HeaderUnreadable, "the GGUF header was not read: " + header.Error);
        }
        if (previous?.FirstOrDefault(c => c.Type == "Progressing") is { Reason: HeaderRead or HeaderUnreadable } settled && settled.ObservedGeneration == generation)
        {
            // Read before this activation (a restart or a move to another silo): keep what the status shows.
            if (model.Status?.Size is { } shown) status["size"] = shown;
            if (model.Status?.Gguf is { } gguf) status["gguf"] = JsonSerializer.SerializeToNode(gguf, _json);
            return new(false, settled.Reason, settled.Message);
        }
        readHeader = true;
        return new(true, ReadingHeader, $"reading the GGUF header from {url.Host}");
    }

    private static List<ModelEvent> Events(Verdict verdict, IReadOnlyList<KubeCondition>? previous, long generation)
    {
        var events = new List<ModelEvent>();
        var available = previous?.FirstOrDefault(c => c.Type == "Available");
        if (available is null || available.Reason != verdict.Reason || available.ObservedGeneration != generation)
            events.Add(new(verdict.Phase == PhaseFailed ? "Warning" : "Normal", verdict.Reason, Note(verdict.Message)));
        var progressing = previous?.FirstOrDefault(c => c.Type == "Progressing");
        var header = verdict.Progressing;
        if (header.Reason is HeaderRead or HeaderUnreadable && (progressing is null || progressing.Reason != header.Reason || progressing.ObservedGeneration != generation))
            events.Add(new(header.Reason == HeaderRead ? "Normal" : "Warning", header.Reason, Note(header.Message)));
        return events;
    }

    private static string Describe(GgufMetadata gguf)
    {
        var parts = new List<string> { $"GGUF v{gguf.FileVersion}", gguf.Architecture! };
        if (gguf.Quantization is { } quantization) parts.Add(quantization);
        if (gguf.LayerCount is { } layers) parts.Add($"{layers} layers");
        if (gguf.ContextLength is { } context) parts.Add($"context {context}");
        return string.Join(", ", parts);
    }

    private static Verdict Settled(string phase, string reason, string message) => new(phase, reason, message, new(false, reason, "nothing to fetch ahead of the serving pods"));

    // An event note is at most 1 KiB.
    private static string Note(string text) => text.Length <= 1000 ? text : text[..997] + "...";

    private sealed record Progress(bool Status, string Reason, string Message);

    private sealed record Verdict(string Phase, string Reason, string Message, Progress Progressing);
}
