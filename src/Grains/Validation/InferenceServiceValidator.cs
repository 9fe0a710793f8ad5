using System.Text.RegularExpressions;
using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;
using L = LLMKube.Grains.Api.Schema.InferenceServiceLimits;

namespace LLMKube.Grains.Validation;

/// <summary>
/// The one validator of an <c>InferenceService</c>, used by the admission webhook and the reconciler. It checks what
/// the CRD's schema and CEL rules enforce (with the same bounds, from <see cref="InferenceServiceLimits"/>) and the
/// rules that need more than one field: what each runtime can do with a field, and what an autoscaling metric needs.
/// Every violation is reported in one pass, with its field path.
/// </summary>
public static partial class InferenceServiceValidator
{
    private static readonly string[] _runtimes = [L.RuntimeLlamaCpp, L.RuntimeVllm, L.RuntimeTgi, L.RuntimeOllama];
    private static readonly string[] _modes = ["chat", "embedding"];
    private static readonly string[] _serviceTypes = ["ClusterIP", "NodePort", "LoadBalancer"];
    private static readonly string[] _persistence = ["Cached", "Ephemeral"];

    /// <summary>Validates <paramref name="service"/>; empty means valid.</summary>
    public static IReadOnlyList<FieldError> Validate(InferenceService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var errors = new List<FieldError>();
        var name = service.Metadata?.Name;
        if (string.IsNullOrEmpty(name)) errors.Add(new("metadata.name", "name is required"));
        else if (name.Length > L.MaxNameLength) errors.Add(new("metadata.name", $"at most {L.MaxNameLength} characters: the name is a label value and names the Service (got {name.Length})"));
        if (service.Spec is not { } spec)
        {
            errors.Add(new("spec", "spec is required"));
            return errors;
        }

        var runtime = spec.Runtime ?? L.RuntimeLlamaCpp;
        if (string.IsNullOrEmpty(spec.ModelRef)) errors.Add(new("spec.modelRef", "modelRef is required"));
        else if (spec.ModelRef.Length > L.MaxNameLength) errors.Add(new("spec.modelRef", $"at most {L.MaxNameLength} characters (it is a label value)"));
        OneOf(errors, "spec.runtime", spec.Runtime, _runtimes);
        OneOf(errors, "spec.mode", spec.Mode, _modes);
        if (spec.Mode == "embedding" && runtime == L.RuntimeTgi) errors.Add(new("spec.mode", "runtime tgi serves no embeddings; use llamacpp, vllm or ollama"));
        Range(errors, "spec.replicas", spec.Replicas, 0, L.MaxReplicas);
        MaxLength(errors, "spec.image", spec.Image, L.MaxImageLength);
        Range(errors, "spec.contextSize", spec.ContextSize, L.MinContextSize, L.MaxContextSize);
        Range(errors, "spec.parallelSlots", spec.ParallelSlots, 1, L.MaxParallelSlots);
        Range(errors, "spec.containerPort", spec.ContainerPort, 1, 65535);
        if (spec.FlashAttention is not null && runtime is L.RuntimeVllm or L.RuntimeTgi)
            errors.Add(new("spec.flashAttention", $"runtime {runtime} chooses its attention kernels itself; flashAttention applies to llamacpp and ollama"));
        CheckExtraArgs(errors, spec, runtime);
        CheckEndpoint(errors, spec.Endpoint);
        CheckResources(errors, spec.Resources);
        CheckAutoscaling(errors, spec, runtime);
        CheckEnv(errors, spec.Env);
        CheckTolerations(errors, spec.Tolerations);
        CheckLabels(errors, "spec.nodeSelector", spec.NodeSelector, values: true);
        CheckLabels(errors, "spec.podLabels", spec.PodLabels, values: true);
        CheckLabels(errors, "spec.podAnnotations", spec.PodAnnotations, values: false);
        foreach (var key in spec.PodLabels?.Keys.ToList() ?? [])
        {
            if (key is "app" || key.StartsWith("inference.llmkube.dev/", StringComparison.Ordinal) || key == Kubernetes.KubeNames.ManagedByLabel)
                errors.Add(new($"spec.podLabels[{key}]", "this label is set by the operator (it selects the pods)"));
        }
        CheckModelCache(errors, spec.ModelCache);
        return errors;
    }

    private static void CheckExtraArgs(List<FieldError> errors, InferenceServiceSpec spec, string runtime)
    {
        if (spec.ExtraArgs is not { } args) return;
        if (runtime == L.RuntimeOllama && args.Count > 0)
            errors.Add(new("spec.extraArgs", "the ollama server takes no flags; configure it with env (OLLAMA_*)"));
        Count(errors, "spec.extraArgs", args.Count, L.MaxExtraArgs);
        for (var i = 0; i < args.Count; i++)
        {
            if (string.IsNullOrEmpty(args[i])) errors.Add(new($"spec.extraArgs[{i}]", "must not be empty"));
            else MaxLength(errors, $"spec.extraArgs[{i}]", args[i], L.MaxArgLength);
        }
    }

    private static void CheckEndpoint(List<FieldError> errors, EndpointSpec? endpoint)
    {
        if (endpoint is null) return;
        Range(errors, "spec.endpoint.port", endpoint.Port, 1, 65535);
        OneOf(errors, "spec.endpoint.type", endpoint.Type, _serviceTypes);
        Range(errors, "spec.endpoint.nodePort", endpoint.NodePort, 30000, 32767);
        if (endpoint.NodePort is not null && endpoint.Type != "NodePort")
            errors.Add(new("spec.endpoint.nodePort", "applies only with endpoint.type NodePort"));
        if (endpoint.Path is { Length: > 0 } path && !path.StartsWith('/'))
            errors.Add(new("spec.endpoint.path", $"must start with / (got \"{path}\")"));
        if (endpoint.Gateway is not { } gateway) return;
        if (gateway.GatewayRef is null) errors.Add(new("spec.endpoint.gateway.gatewayRef", "gatewayRef is required: name the Gateway (gateway.networking.k8s.io) to expose the service on"));
        else GatewayReferenceValidator.Validate(gateway.GatewayRef, "spec.endpoint.gateway.gatewayRef", errors);
        if (gateway.ModelName is { } model && (model.Length == 0 || model.Length > 253 || model != model.Trim()))
            errors.Add(new("spec.endpoint.gateway.modelName", $"must be 1 to 253 characters without surrounding whitespace (got \"{model}\")"));
    }

    private static void CheckResources(List<FieldError> errors, InferenceServiceResources? resources)
    {
        if (resources is null) return;
        Quantity(errors, "spec.resources.cpu", resources.Cpu);
        Quantity(errors, "spec.resources.memory", resources.Memory);
        Range(errors, "spec.resources.gpu", resources.Gpu, 0, L.MaxGpus);
    }

    private static void CheckModelCache(List<FieldError> errors, ModelCacheSpec? cache)
    {
        if (cache is null) return;
        OneOf(errors, "spec.modelCache.persistence", cache.Persistence, _persistence);
        if (cache.ClaimName is { } claim)
        {
            ObjectName(errors, "spec.modelCache.claimName", claim);
            if (cache.Persistence == "Ephemeral") errors.Add(new("spec.modelCache.claimName", "cannot be set with persistence Ephemeral"));
        }
        else if (cache.Persistence == "Cached")
        {
            errors.Add(new("spec.modelCache.claimName", "persistence Cached needs claimName (the PersistentVolumeClaim to cache in)"));
        }
    }

    private static void OneOf(List<FieldError> errors, string path, string? value, string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
            errors.Add(new(path, $"must be one of {string.Join(", ", allowed)} (got \"{value}\")"));
    }

    private static void Range(List<FieldError> errors, string path, long? value, long min, long max)
    {
        if (value < min || value > max) errors.Add(new(path, $"must be between {min} and {max} (got {value})"));
    }

    private static void MaxLength(List<FieldError> errors, string path, string? value, int max)
    {
        if (value?.Length > max) errors.Add(new(path, $"at most {max} characters (got {value.Length})"));
    }

    private static void Count(List<FieldError> errors, string path, int count, int max)
    {
        if (count > max) errors.Add(new(path, $"at most {max} items are allowed (got {count})"));
    }

    private static void Quantity(List<FieldError> errors, string path, string? value)
    {
        if (value is not null && !QuantityRegex().IsMatch(value)) errors.Add(new(path, $"\"{value}\" is not a quantity (e.g. 500m, 4, 16Gi)"));
    }

    private static void ObjectName(List<FieldError> errors, string path, string value)
    {
        if (value.Length > 253 || !ObjectNameRegex().IsMatch(value)) errors.Add(new(path, $"\"{value}\" is not a valid object name (lower-case letters, digits, - and .)"));
    }

    [GeneratedRegex(L.QuantityPattern)]
    private static partial Regex QuantityRegex();

    [GeneratedRegex(L.ObjectNamePattern)]
    private static partial Regex ObjectNameRegex();
}
