using System.Text;
using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Crds;

/// <summary>docs/crd-reference.md, generated from the same schema the CRDs carry, so the two cannot disagree.</summary>
public static class CrdReference
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("# CRD reference\n\n");
        text.Append($"Generated from the C# API types by `{CrdFiles.RegenerateAllCommand}`; do not edit.\n");
        text.Append("Group `inference.llmkube.dev`, version `v1alpha1`, all namespaced. What each field does is described in\n");
        text.Append("[configuration.md](configuration.md) (ModelRouter), [gateway-mode.md](gateway-mode.md) (dataPlane Gateway, endpoint.gateway)\n");
        text.Append("and [kubernetes.md](kubernetes.md); this page lists every\n");
        text.Append("field the API server accepts, with the bounds it enforces. CEL rules are listed per object.\n");
        foreach (var kind in CrdGenerator.Kinds)
        {
            var crd = CrdGenerator.Build(kind);
            var version = crd["spec"]!["versions"]![0]!;
            text.Append($"\n## {kind.Kind} (`{kind.Plural}`, short name{(kind.ShortNames.Length > 1 ? "s" : "")} `{string.Join("`, `", kind.ShortNames)}`)\n\n");
            text.Append("Subresources: status" + (kind.Scale ? ", scale (`.spec.replicas` / `.status.replicas`)" : "") + ". ");
            text.Append("`kubectl get` columns: " + string.Join(", ", kind.Columns.Select(c => c.Priority > 0 ? c.Name + " (wide)" : c.Name)) + ".\n\n");
            text.Append("| Field | Type | Constraints | Description |\n|---|---|---|---|\n");
            var root = version["schema"]!["openAPIV3Schema"]!["properties"]!;
            var rules = new List<(string Path, string Rule, string Message)>();
            Walk(text, rules, root["spec"]!.AsObject(), "spec", required: true);
            Walk(text, rules, root["status"]!.AsObject(), "status", required: false);
            if (rules.Count > 0)
            {
                text.Append("\nCEL rules:\n\n");
                foreach (var (path, rule, message) in rules) text.Append($"- `{path}`: {message}\n");
            }
        }
        return text.ToString();
    }

    private static void Walk(StringBuilder text, List<(string, string, string)> rules, JsonObject node, string path, bool required)
    {
        var type = (string)node["type"]!;
        var shown = type == "array" && node["items"] is JsonObject items ? $"[]{(string)items["type"]!}" : type;
        text.Append($"| `{path}` | {shown} | {Constraints(node, required)} | {Escape((string?)node["description"] ?? "")} |\n");
        foreach (var rule in node["x-kubernetes-validations"]?.AsArray() ?? [])
            rules.Add((path, (string)rule!["rule"]!, (string)rule["message"]!));
        var requiredNames = node["required"]?.AsArray().Select(n => (string)n!).ToHashSet() ?? [];
        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
            Walk(text, rules, child!.AsObject(), $"{path}.{name}", requiredNames.Contains(name));
        if (node["items"] is JsonObject element && element["properties"] is not null)
        {
            foreach (var rule in element["x-kubernetes-validations"]?.AsArray() ?? [])
                rules.Add((path + "[]", (string)rule!["rule"]!, (string)rule["message"]!));
            var elementRequired = element["required"]?.AsArray().Select(n => (string)n!).ToHashSet() ?? [];
            foreach (var (name, child) in element["properties"]!.AsObject())
                Walk(text, rules, child!.AsObject(), $"{path}[].{name}", elementRequired.Contains(name));
        }
    }

    private static string Constraints(JsonObject node, bool required)
    {
        var parts = new List<string>();
        if (required) parts.Add("required");
        if (node["enum"] is JsonArray values) parts.Add("one of " + string.Join(", ", values.Select(v => $"`{v}`")));
        if (node["minimum"] is { } min) parts.Add($"≥ {min}");
        if (node["maximum"] is { } max) parts.Add($"≤ {max}");
        if (node["minItems"] is { } minItems) parts.Add($"≥ {minItems} items");
        if (node["maxItems"] is { } maxItems) parts.Add($"≤ {maxItems} items");
        if (node["maxLength"] is { } maxLength) parts.Add($"≤ {maxLength} chars");
        if (node["pattern"] is { } pattern) parts.Add($"matches `{Escape((string)pattern!)}`");
        if (node["format"] is { } format) parts.Add((string)format!);
        if (node["x-kubernetes-preserve-unknown-fields"] is not null) parts.Add("free-form");
        return string.Join("; ", parts);
    }

    private static string Escape(string text) => text.Replace("|", "\\|");
}
