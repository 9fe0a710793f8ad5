using LLMKube.Grains.Api;

namespace LLMKube.Grains.Validation;

// Fields the API defines but nothing implements yet: refused with the field's path rather than
// accepted and silently ignored. Each message says what to do instead.
public static partial class ModelRouterValidator
{
    private static void ValidateNotYetSupported(ModelRouterSpec spec, List<FieldError> errors)
    {
        // Gateway mode refuses these itself (as UnsupportedMatchInGatewayMode) and enforces budgets and auth.
        var gateway = spec.DataPlane == DataPlaneGateway;
        var rules = spec.Rules ?? [];
        for (var i = 0; i < rules.Count && !gateway; i++)
        {
            if (rules[i]?.Match?.LatencySLOMs is not null)
            {
                errors.Add(new($"spec.rules[{i}].match.latencySLOMs", "latencySLOMs is not supported yet; remove the field"));
            }
        }

        var policy = spec.Policy;
        if (policy?.Classification?.Mode is { } mode && mode != ClassificationHeaderOnly && _classificationModes.Contains(mode))
        {
            errors.Add(new("spec.policy.classification.mode", $"mode \"{mode}\" is not supported yet; use \"{ClassificationHeaderOnly}\" or remove the field"));
        }

        if (policy?.Budgets is { Count: > 0 } && !gateway)
        {
            errors.Add(new("spec.policy.budgets", "budgets are enforced only with dataPlane: Gateway (by Envoy); remove the field"));
        }

        if (policy?.Auth?.Jwt is not null && !gateway)
        {
            errors.Add(new("spec.policy.auth.jwt", "jwt authentication is enforced only with dataPlane: Gateway (by Envoy); remove the field"));
        }

        if (policy?.Auth?.Allowlists is { Count: > 0 } && !gateway)
        {
            errors.Add(new("spec.policy.auth.allowlists", "allowlists are enforced only with dataPlane: Gateway (by Envoy); remove the field"));
        }

        if (policy?.AuditLog?.Sink == AuditSinkOtlp)
        {
            errors.Add(new("spec.policy.auditLog.sink", $"sink \"{AuditSinkOtlp}\" is not supported yet; use \"stdout\" or \"{AuditSinkFile}\""));
        }

        if (policy?.AuditLog?.IncludeRequestBody == true)
        {
            errors.Add(new("spec.policy.auditLog.includeRequestBody", "includeRequestBody is not supported: the gateway never logs request bodies; remove the field"));
        }

        if (spec.McpServer?.Enabled == true)
        {
            errors.Add(new("spec.mcpServer.enabled", "the MCP server is not supported yet; remove the field"));
        }
    }
}
