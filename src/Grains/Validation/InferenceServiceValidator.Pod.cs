using System.Text.RegularExpressions;
using LLMKube.Grains.Api;
using L = LLMKube.Grains.Api.Schema.InferenceServiceLimits;

namespace LLMKube.Grains.Validation;

// The pod passthrough fields: autoscaling, env, tolerations, label and annotation maps.
public static partial class InferenceServiceValidator
{
    private static readonly string[] _metricTypes = ["Pods", "Resource"];
    private static readonly string[] _operators = ["Exists", "Equal"];
    private static readonly string[] _effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    private static void CheckAutoscaling(List<FieldError> errors, InferenceServiceSpec spec, string runtime)
    {
        if (spec.Autoscaling is not { } autoscaling) return;
        const string path = "spec.autoscaling";
        Range(errors, $"{path}.minReplicas", autoscaling.MinReplicas, 1, L.MaxAutoscalingMinReplicas);
        if (autoscaling.MaxReplicas is null) errors.Add(new($"{path}.maxReplicas", "maxReplicas is required"));
        Range(errors, $"{path}.maxReplicas", autoscaling.MaxReplicas, 1, L.MaxAutoscalingMaxReplicas);
        if (autoscaling.MinReplicas > autoscaling.MaxReplicas)
            errors.Add(new($"{path}.minReplicas", $"must not exceed maxReplicas ({autoscaling.MinReplicas} > {autoscaling.MaxReplicas})"));
        var metrics = autoscaling.Metrics ?? [];
        Count(errors, $"{path}.metrics", metrics.Count, L.MaxMetrics);
        if (metrics.Count == 0 && runtime == L.RuntimeOllama && string.IsNullOrEmpty(spec.Resources?.Cpu))
            errors.Add(new("spec.resources.cpu", "required to autoscale an ollama service: with no metrics given it scales on CPU utilization, a percent of this request"));
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i];
            var at = $"{path}.metrics[{i}]";
            if (metric.Type is null) errors.Add(new($"{at}.type", "type is required"));
            OneOf(errors, $"{at}.type", metric.Type, _metricTypes);
            if (string.IsNullOrEmpty(metric.Name)) errors.Add(new($"{at}.name", "name is required"));
            Quantity(errors, $"{at}.targetAverageValue", metric.TargetAverageValue);
            Range(errors, $"{at}.targetAverageUtilization", metric.TargetAverageUtilization, 1, 1000);
            if (metric.Type == "Pods")
            {
                if (metric.TargetAverageValue is null) errors.Add(new($"{at}.targetAverageValue", "a Pods metric needs targetAverageValue"));
                if (metric.TargetAverageUtilization is not null) errors.Add(new($"{at}.targetAverageUtilization", "a Pods metric has no targetAverageUtilization"));
            }
            else if (metric.Type == "Resource")
            {
                if (metric.Name is not ("cpu" or "memory")) errors.Add(new($"{at}.name", $"a Resource metric is cpu or memory (got \"{metric.Name}\")"));
                if ((metric.TargetAverageValue is null) == (metric.TargetAverageUtilization is null))
                    errors.Add(new(at, "a Resource metric needs exactly one of targetAverageValue or targetAverageUtilization"));
                var request = metric.Name == "cpu" ? spec.Resources?.Cpu : spec.Resources?.Memory;
                if (metric.TargetAverageUtilization is not null && string.IsNullOrEmpty(request))
                    errors.Add(new($"spec.resources.{metric.Name}", $"required by {at}: utilization is a percent of this request"));
            }
        }
    }

    private static void CheckEnv(List<FieldError> errors, List<EnvVar>? env)
    {
        if (env is null) return;
        Count(errors, "spec.env", env.Count, L.MaxEnv);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++)
        {
            var item = env[i];
            var at = $"spec.env[{i}]";
            if (string.IsNullOrEmpty(item.Name)) errors.Add(new($"{at}.name", "name is required"));
            else if (!EnvNameRegex().IsMatch(item.Name)) errors.Add(new($"{at}.name", $"\"{item.Name}\" is not a valid environment variable name"));
            else if (!seen.Add(item.Name)) errors.Add(new($"{at}.name", $"\"{item.Name}\" is set twice"));
            if (item.Value is not null && item.ValueFrom is not null) errors.Add(new(at, "set value or valueFrom, not both"));
            if (item.ValueFrom is { } from)
            {
                if ((from.SecretKeyRef is null) == (from.ConfigMapKeyRef is null))
                    errors.Add(new($"{at}.valueFrom", "set exactly one of secretKeyRef or configMapKeyRef"));
                KeyReference(errors, $"{at}.valueFrom.secretKeyRef", from.SecretKeyRef);
                KeyReference(errors, $"{at}.valueFrom.configMapKeyRef", from.ConfigMapKeyRef);
            }
        }
    }

    private static void KeyReference(List<FieldError> errors, string path, KeyReference? reference)
    {
        if (reference is null) return;
        if (string.IsNullOrEmpty(reference.Name)) errors.Add(new($"{path}.name", "name is required"));
        else ObjectName(errors, $"{path}.name", reference.Name);
        if (string.IsNullOrEmpty(reference.Key)) errors.Add(new($"{path}.key", "key is required"));
    }

    private static void CheckTolerations(List<FieldError> errors, List<Toleration>? tolerations)
    {
        if (tolerations is null) return;
        Count(errors, "spec.tolerations", tolerations.Count, L.MaxTolerations);
        for (var i = 0; i < tolerations.Count; i++)
        {
            var t = tolerations[i];
            var at = $"spec.tolerations[{i}]";
            OneOf(errors, $"{at}.operator", t.Operator, _operators);
            OneOf(errors, $"{at}.effect", t.Effect, _effects);
            if (t.Operator == "Exists" && !string.IsNullOrEmpty(t.Value)) errors.Add(new($"{at}.value", "a toleration with operator Exists has no value"));
            if (string.IsNullOrEmpty(t.Key) && t.Operator != "Exists") errors.Add(new($"{at}.operator", "a toleration without key must use operator Exists"));
            if (t.TolerationSeconds is not null && t.Effect != "NoExecute") errors.Add(new($"{at}.tolerationSeconds", "applies only with effect NoExecute"));
        }
    }

    // Keys are qualified names (an optional DNS prefix and /, then up to 63 characters); label values are at most 63.
    private static void CheckLabels(List<FieldError> errors, string path, Dictionary<string, string>? map, bool values)
    {
        foreach (var (key, value) in map ?? [])
        {
            var slash = key.LastIndexOf('/');
            var prefix = slash < 0 ? null : key[..slash];
            var name = slash < 0 ? key : key[(slash + 1)..];
            if (name.Length is 0 or > 63 || !QualifiedNameRegex().IsMatch(name) || (prefix is not null && (prefix.Length > 253 || !ObjectNameRegex().IsMatch(prefix))))
                errors.Add(new($"{path}[{key}]", $"\"{key}\" is not a valid key ([prefix/]name, name at most 63 characters)"));
            else if (values && (value.Length > 63 || (value.Length > 0 && !QualifiedNameRegex().IsMatch(value))))
                errors.Add(new($"{path}[{key}]", $"\"{value}\" is not a valid label value (at most 63 letters, digits, -, _ and ., starting and ending alphanumeric)"));
        }
    }

    [GeneratedRegex(L.EnvNamePattern)]
    private static partial Regex EnvNameRegex();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedNameRegex();
}
