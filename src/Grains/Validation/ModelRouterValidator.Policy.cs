using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.Grains.Validation;

// spec.policy, spec.endpoint, spec.proxy and the checks that apply only to the Gateway data plane.
public static partial class ModelRouterValidator
{
    private static readonly string[] _budgetScopes = ["router", "rule", "team"];
    private static readonly string[] _classificationModes = [ClassificationHeaderOnly, "detector", "hybrid"];
    private const string AuditSinkFile = "file";
    private const string AuditSinkOtlp = "otlp";
    private const string ClassificationHeaderOnly = "header-only";

    private static readonly string[] _auditSinks = ["stdout", AuditSinkFile, AuditSinkOtlp];
    private static readonly string[] _serviceTypes = ["ClusterIP", "NodePort", "LoadBalancer"];

    private static void ValidatePolicy(RouterPolicy? policy, HashSet<string> ruleNames, List<FieldError> errors)
    {
        if (policy is null)
        {
            return;
        }

        var budgets = policy.Budgets ?? [];
        for (var i = 0; i < budgets.Count; i++)
        {
            ValidateBudget(budgets[i], $"spec.policy.budgets[{i}]", ruleNames, errors);
        }

        if (policy.Classification is { } classification)
        {
            CheckEnum(errors, "spec.policy.classification.mode", classification.Mode, _classificationModes);
            var sensitive = classification.SensitiveClassifications ?? [];
            for (var k = 0; k < sensitive.Count; k++)
            {
                CheckClassification(errors, $"spec.policy.classification.sensitiveClassifications[{k}]", sensitive[k]);
            }
        }

        if (policy.AuditLog is { } auditLog)
        {
            CheckEnum(errors, "spec.policy.auditLog.sink", auditLog.Sink, _auditSinks);
            ValidateAuditFilePath(auditLog, errors);
        }
    }

    private static void ValidateAuditFilePath(AuditLogPolicy auditLog, List<FieldError> errors)
    {
        const string path = "spec.policy.auditLog.filePath";
        if (auditLog.Sink == AuditSinkFile)
        {
            if (string.IsNullOrEmpty(auditLog.FilePath))
            {
                errors.Add(new(path, $"filePath is required when sink is \"{AuditSinkFile}\""));
            }
            else if (!Path.IsPathFullyQualified(auditLog.FilePath))
            {
                // A relative path would depend on the working directory of each gateway process.
                errors.Add(new(path, $"must be an absolute path; got \"{auditLog.FilePath}\""));
            }
        }
        else if (!string.IsNullOrEmpty(auditLog.FilePath))
        {
            errors.Add(new(path, $"filePath is read only when sink is \"{AuditSinkFile}\"; set sink: {AuditSinkFile} or remove the field"));
        }
    }

    private static void ValidateBudget(BudgetSpec? budget, string path, HashSet<string> ruleNames, List<FieldError> errors)
    {
        if (budget is null)
        {
            errors.Add(new(path, "budget must be an object"));
            return;
        }

        if (string.IsNullOrEmpty(budget.Name))
        {
            errors.Add(new($"{path}.name", "name is required"));
        }
        else
        {
            CheckName(errors, $"{path}.name", budget.Name);
        }

        if (string.IsNullOrEmpty(budget.Scope))
        {
            errors.Add(new($"{path}.scope", "scope is required"));
        }
        else
        {
            CheckEnum(errors, $"{path}.scope", budget.Scope, _budgetScopes);
        }

        if (budget.Scope == "rule")
        {
            if (string.IsNullOrEmpty(budget.RuleName))
            {
                errors.Add(new($"{path}.ruleName", "ruleName is required when scope=rule"));
            }
            else if (!ruleNames.Contains(budget.RuleName))
            {
                errors.Add(new($"{path}.ruleName", $"references undefined rule \"{budget.RuleName}\""));
            }
        }

        CheckMinimum(errors, $"{path}.windowSeconds", budget.WindowSeconds, 1);
        CheckMinimum(errors, $"{path}.maxTokens", budget.MaxTokens, 1);
        CheckDecimal(errors, $"{path}.maxUSD", budget.MaxUSD);
        if (budget.MaxTokens is null && string.IsNullOrWhiteSpace(budget.MaxUSD))
        {
            errors.Add(new(path, "must set at least one of maxTokens or maxUSD"));
        }
    }

    private static void ValidateEndpoint(EndpointSpec? endpoint, List<FieldError> errors)
    {
        if (endpoint is null)
        {
            return;
        }

        CheckRange(errors, "spec.endpoint.port", endpoint.Port, 1, 65535);
        CheckEnum(errors, "spec.endpoint.type", endpoint.Type, _serviceTypes);
        CheckRange(errors, "spec.endpoint.nodePort", endpoint.NodePort, 30000, 32767);
        if (endpoint.Gateway is not null)
        {
            errors.Add(new("spec.endpoint.gateway", "endpoint.gateway is for InferenceServices; a ModelRouter uses spec.dataPlane: Gateway with spec.gatewayRef"));
        }
    }

    private static void ValidateProxy(RouterProxySpec? proxy, List<FieldError> errors)
    {
        if (proxy is null)
        {
            return;
        }

        CheckRange(errors, "spec.proxy.replicas", proxy.Replicas, 1, 10);
        CheckMinimum(errors, "spec.proxy.revisionHistoryLimit", proxy.RevisionHistoryLimit, 0);
        CheckDuration(errors, "spec.proxy.quarantineDuration", proxy.QuarantineDuration, MaxQuarantineDuration);
        CheckDuration(errors, "spec.proxy.responseHeaderTimeout", proxy.ResponseHeaderTimeout, MaxResponseHeaderTimeout);
        CheckDuration(errors, "spec.proxy.connectTimeout", proxy.ConnectTimeout, MaxConnectTimeout);
        CheckDuration(errors, "spec.proxy.streamIdleTimeout", proxy.StreamIdleTimeout, MaxStreamIdleTimeout);
        CheckDuration(errors, "spec.proxy.maxStreamDuration", proxy.MaxStreamDuration, MaxMaxStreamDuration);
        CheckRange(errors, "spec.proxy.consecutive5xxThreshold", proxy.Consecutive5xxThreshold, 1, MaxThreshold);
    }

    // What cannot be compiled onto Envoy AI Gateway (also the reconciler's refusals). Sensitive rules are checked for every data plane already.
    private static void ValidateGatewayOnly(ModelRouterSpec spec, List<FieldError> errors)
        => errors.AddRange(GatewayRouteChecks.Refusals(spec).Where(r => r.Reason != GatewayReasons.UnsafeSensitiveRoute).Select(r => r.ToFieldError()));
}
