using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using LLMKube.Grains.Api;
using LLMKube.Grains.Api.Schema;

namespace LLMKube.Grains.Kubernetes.Crds;

/// <summary>
/// The CRDs of our kinds, generated from the C# API types (the one source of truth) with System.Text.Json's
/// schema exporter, then made a Kubernetes structural schema: one type per field (no <c>null</c> in type lists),
/// references inlined, descriptions, enums, defaults, patterns and bounds from the types' attributes, and CEL
/// rules from <see cref="CelRuleAttribute"/>.
/// </summary>
public static class CrdGenerator
{
    // camelCase names as the resource files use; numbers stay numbers.
    private static readonly JsonSerializerOptions _json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static IReadOnlyList<CrdKind> Kinds { get; } =
    [
        new(ModelRouter.KindName, "modelrouters", ["mr"], typeof(ModelRouterSpec), typeof(ModelRouterStatus),
        [
            new("Phase", "string", ".status.phase"),
            new("Endpoint", "string", ".status.endpoint"),
            new("Rules", "integer", ".status.activeRules", Description: "rules compiled into the router"),
            new("Replicas", "integer", ".spec.proxy.replicas", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]),
        new(InferenceService.KindName, "inferenceservices", ["isvc"], typeof(InferenceServiceSpec), typeof(InferenceServiceStatus),
        [
            new("Phase", "string", ".status.phase"),
            new("Model", "string", ".spec.modelRef"),
            new("Replicas", "integer", ".status.readyReplicas", Description: "ready replicas"),
            new("Reason", "string", ".status.schedulingStatus", Priority: 1, Description: "why it is not scheduled yet"),
            new("Runtime", "string", ".spec.runtime", Priority: 1),
            new("Endpoint", "string", ".status.endpoint"),
            new("Age", "date", ".metadata.creationTimestamp"),
        ], Scale: true),
        new(Model.KindName, "models", ["mdl"], typeof(ModelSpec), typeof(ModelStatus),
        [
            new("Phase", "string", ".status.phase"),
            new("Size", "string", ".status.size"),
            new("Accelerator", "string", ".spec.hardware.accelerator"),
            new("Arch", "string", ".status.gguf.architecture", Priority: 1),
            new("Age", "date", ".metadata.creationTimestamp"),
        ]),
    ];

    /// <summary>The CRD object of <paramref name="kind"/>.</summary>
    public static JsonObject Build(CrdKind kind)
    {
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"{kind.Kind} of {KubeNames.Group}.",
            ["required"] = new JsonArray("spec"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = SchemaOf(kind.Spec),
                ["status"] = SchemaOf(kind.Status),
            },
        };
        var subresources = new JsonObject { ["status"] = new JsonObject() };
        if (kind.Scale) subresources["scale"] = new JsonObject { ["specReplicasPath"] = ".spec.replicas", ["statusReplicasPath"] = ".status.replicas" };
        var columns = new JsonArray();
        foreach (var c in kind.Columns)
        {
            var column = new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["jsonPath"] = c.JsonPath };
            if (c.Priority != 0) column["priority"] = c.Priority;
            if (c.Description is not null) column["description"] = c.Description;
            columns.Add(column);
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = kind.Name },
            ["spec"] = new JsonObject
            {
                ["group"] = KubeNames.Group,
                ["names"] = new JsonObject
                {
                    ["kind"] = kind.Kind,
                    ["listKind"] = kind.Kind + "List",
                    ["plural"] = kind.Plural,
                    ["singular"] = kind.Kind.ToLowerInvariant(),
                    ["shortNames"] = new JsonArray([.. kind.ShortNames.Select(n => (JsonNode)n)]),
                    ["categories"] = new JsonArray("llmkube"),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = KubeNames.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
                    ["subresources"] = subresources,
                    ["additionalPrinterColumns"] = columns,
                }),
            },
        };
    }

    /// <summary>The structural schema of one C# type.</summary>
    public static JsonObject SchemaOf(Type type)
    {
        var exported = JsonSchemaExporter.GetJsonSchemaAsNode(_json, type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Annotate,
        });
        var root = exported.AsObject();
        root.Remove("$schema");
        return Structural(root, root.DeepClone().AsObject());
    }

    // Attributes of the property (or, for a type's own node, of the type) become schema keywords.
    private static JsonNode Annotate(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is not JsonObject schema) return node;
        var provider = context.PropertyInfo?.AttributeProvider;
        var attributes = provider?.GetCustomAttributes(true).OfType<Attribute>().ToList() ?? [];
        // A type's own rules hold wherever it appears: at the root, as a list item, or as a property's value.
        if (context.TypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            attributes.AddRange(context.TypeInfo.Type.GetCustomAttributes<CelRuleAttribute>());
        var isArray = TypeOf(schema) == "array";
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case DescriptionAttribute d: schema["description"] = d.Description; break;
                case DefaultValueAttribute d when d.Value is not null: schema["default"] = JsonValue.Create(d.Value); break;
                case RangeAttribute r:
                    schema["minimum"] = JsonValue.Create(r.Minimum);
                    if (!(r.Maximum is int max && max == int.MaxValue)) schema["maximum"] = JsonValue.Create(r.Maximum);
                    break;
                case RegularExpressionAttribute r: schema["pattern"] = r.Pattern; break;
                case MinLengthAttribute m: schema[isArray ? "minItems" : "minLength"] = m.Length; break;
                case MaxLengthAttribute m: schema[isArray ? "maxItems" : "maxLength"] = m.Length; break;
                case AllowedValuesAttribute a: schema["enum"] = new JsonArray([.. a.Values.Select(v => JsonValue.Create(v))]); break;
                case CelRuleAttribute c:
                    var rules = schema["x-kubernetes-validations"] as JsonArray ?? [];
                    rules.Add(new JsonObject { ["rule"] = c.Rule, ["message"] = c.Message });
                    schema["x-kubernetes-validations"] = rules;
                    break;
            }
        }
        // [Required] lives on properties but is a keyword of the parent object.
        if (context.TypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object && context.PropertyInfo is null)
        {
            var required = context.TypeInfo.Properties
                .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true)
                .Select(p => (JsonNode)p.Name).ToArray();
            if (required.Length > 0) schema["required"] = new JsonArray(required);
            else schema.Remove("required");
        }
        return schema;
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray a => a.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };

    // Kubernetes wants one type per node, inlined references, and free-form objects marked as such.
    private static JsonObject Structural(JsonObject obj, JsonObject root)
    {
        if (obj["$ref"] is JsonValue reference)
        {
            var target = Resolve(root, reference.GetValue<string>()).DeepClone().AsObject();
            obj.Remove("$ref");
            foreach (var (key, value) in target) if (!obj.ContainsKey(key)) obj[key] = value?.DeepClone();
        }
        if (obj["type"] is JsonArray) obj["type"] = TypeOf(obj);
        if (obj["type"] is null)
        {
            obj["type"] = "object";
            obj["x-kubernetes-preserve-unknown-fields"] = true;
        }
        if (obj["properties"] is JsonObject properties)
        {
            foreach (var name in properties.Select(p => p.Key).ToList())
                properties[name] = Structural(properties[name]!.DeepClone().AsObject(), root);
        }
        if (obj["items"] is JsonObject items) obj["items"] = Structural(items.DeepClone().AsObject(), root);
        if (obj["additionalProperties"] is JsonObject values) obj["additionalProperties"] = Structural(values.DeepClone().AsObject(), root);
        else if (obj["additionalProperties"] is JsonValue) obj.Remove("additionalProperties");
        if (obj["enum"] is JsonArray allowed && allowed.Any(v => v is null))
            obj["enum"] = new JsonArray([.. allowed.Where(v => v is not null).Select(v => v!.DeepClone())]);
        return obj;
    }

    private static JsonNode Resolve(JsonObject root, string pointer)
    {
        JsonNode current = root;
        foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            current = current[part.Replace("~1", "/").Replace("~0", "~")] ?? throw new InvalidOperationException("unresolved $ref " + pointer);
        return current;
    }
}
