using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Validation;

/// <summary>
/// The one validator of a <c>ModelRouter</c>, used by the admission webhook, the reconciler and the
/// standalone loader. It checks what the CRD's OpenAPI schema enforces, LLMKube's static rules
/// (targets, tiers, timeouts, references, fail-closed for sensitive data, budgets) and our own
/// stricter rules, refuses fields that nothing implements yet, and reports every violation in one pass.
/// </summary>
public static partial class ModelRouterValidator
{
    /// <summary>The pattern of backend, rule and budget names.</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    /// <summary>The pattern of decimal money amounts (<c>promptUSD</c>, <c>maxUSD</c>, ...).</summary>
    public const string DecimalPattern = @"^[0-9]+(\.[0-9]+)?$";

    /// <summary>The smallest accepted backend or rule <c>timeout</c> (inclusive).</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest accepted backend or rule <c>timeout</c> (inclusive).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The largest accepted <c>spec.proxy.responseHeaderTimeout</c> (inclusive).</summary>
    public static readonly TimeSpan MaxResponseHeaderTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The largest accepted <c>spec.proxy.connectTimeout</c> (inclusive).</summary>
    public static readonly TimeSpan MaxConnectTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The largest accepted <c>spec.proxy.quarantineDuration</c> (inclusive).</summary>
    public static readonly TimeSpan MaxQuarantineDuration = TimeSpan.FromHours(1);

    /// <summary>The largest accepted <c>spec.proxy.streamIdleTimeout</c> (inclusive).</summary>
    public static readonly TimeSpan MaxStreamIdleTimeout = TimeSpan.FromHours(1);

    /// <summary>The largest accepted <c>spec.proxy.maxStreamDuration</c> (inclusive).</summary>
    public static readonly TimeSpan MaxMaxStreamDuration = TimeSpan.FromHours(24);

    private const string DataPlaneGateway = "Gateway";

    private static readonly string[] _dataPlanes = ["Proxy", DataPlaneGateway];
    private static readonly string[] _routeStrategies = ["Static", "BackendNameMatch"];
    private static readonly string[] _tiers = [RouterSpecDefaults.TierLocal, RouterSpecDefaults.TierCloud];
    private static readonly string[] _complexities = ["simple", "moderate", "complex"];
    private static readonly string[] _strategies = ["primary-fallback", "weighted", "shadow"];

    /// <summary>Validates <paramref name="router"/> and returns all errors; empty means valid.</summary>
    // The list bounds the CRD schema declares (they also cap the API server's CEL cost), so a resource file
    // and the API server refuse the same routers.
    private static void CheckSizes(ModelRouterSpec spec, List<FieldError> errors)
    {
        CheckCount(errors, "spec.backends", spec.Backends?.Count, Api.Schema.SchemaLimits.MaxBackends);
        CheckCount(errors, "spec.rules", spec.Rules?.Count, Api.Schema.SchemaLimits.MaxRules);
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            CheckCount(errors, $"spec.rules[{i}].route.backends", rule.Route?.Backends?.Count, Api.Schema.SchemaLimits.MaxRouteBackends);
            CheckCount(errors, $"spec.rules[{i}].match.dataClassification", rule.Match?.DataClassification?.Count, Api.Schema.SchemaLimits.MaxListItems);
            CheckCount(errors, $"spec.rules[{i}].match.requiredCapabilities", rule.Match?.RequiredCapabilities?.Count, Api.Schema.SchemaLimits.MaxListItems);
            CheckCount(errors, $"spec.rules[{i}].match.models", rule.Match?.Models?.Count, Api.Schema.SchemaLimits.MaxListItems);
        }
        CheckCount(errors, "spec.policy.classification.sensitiveClassifications", spec.Policy?.Classification?.SensitiveClassifications?.Count, Api.Schema.SchemaLimits.MaxListItems);
    }

    private static void CheckCount(List<FieldError> errors, string path, int? count, int max)
    {
        if (count > max) errors.Add(new(path, $"at most {max} items are allowed (got {count})"));
    }

    public static IReadOnlyList<FieldError> Validate(ModelRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(router.Metadata?.Name))
        {
            errors.Add(new("metadata.name", "name is required"));
        }

        var spec = router.Spec;
        if (spec is null)
        {
            errors.Add(new("spec", "spec is required"));
            return errors;
        }

        CheckEnum(errors, "spec.dataPlane", spec.DataPlane, _dataPlanes);
        CheckEnum(errors, "spec.defaultRouteStrategy", spec.DefaultRouteStrategy, _routeStrategies);
        if (spec.GatewayRef is { } gatewayRef)
        {
            GatewayReferenceValidator.Validate(gatewayRef, "spec.gatewayRef", errors);
        }

        CheckSizes(spec, errors);
        var backends = ValidateBackends(spec, errors);
        if (!string.IsNullOrEmpty(spec.DefaultRoute) && !backends.ContainsKey(spec.DefaultRoute))
        {
            errors.Add(new("spec.defaultRoute", $"references undefined backend \"{spec.DefaultRoute}\""));
        }

        var ruleNames = ValidateRules(spec, backends, errors);
        ValidatePolicy(spec.Policy, ruleNames, errors);
        ValidateEndpoint(spec.Endpoint, errors);
        ValidateProxy(spec.Proxy, errors);
        ValidateNotYetSupported(spec, errors);
        if (spec.DataPlane == DataPlaneGateway)
        {
            ValidateGatewayOnly(spec, errors);
        }

        return errors;
    }

    private static Dictionary<string, RouterBackend> ValidateBackends(ModelRouterSpec spec, List<FieldError> errors)
    {
        var byName = new Dictionary<string, RouterBackend>(StringComparer.Ordinal);
        if (spec.Backends is null)
        {
            errors.Add(new("spec.backends", "backends is required"));
            return byName;
        }

        if (spec.Backends.Count == 0)
        {
            errors.Add(new("spec.backends", "must have at least 1 item"));
        }

        for (var i = 0; i < spec.Backends.Count; i++)
        {
            var path = $"spec.backends[{i}]";
            var backend = spec.Backends[i];
            if (backend is null)
            {
                errors.Add(new(path, "backend must be an object"));
                continue;
            }

            if (string.IsNullOrEmpty(backend.Name))
            {
                errors.Add(new($"{path}.name", "name is required"));
            }
            else
            {
                CheckName(errors, $"{path}.name", backend.Name);
                if (!byName.TryAdd(backend.Name, backend))
                {
                    errors.Add(new($"{path}.name", $"duplicate backend name \"{backend.Name}\""));
                }
            }

            switch (backend.InferenceServiceRef, backend.External)
            {
                case (not null, not null):
                    errors.Add(new(path, "exactly one of inferenceServiceRef or external must be set, not both"));
                    break;
                case (null, null):
                    errors.Add(new(path, "exactly one of inferenceServiceRef or external must be set"));
                    break;
            }

            CheckEnum(errors, $"{path}.tier", backend.Tier, _tiers);
            if (backend.InferenceServiceRef is { } serviceRef)
            {
                if (backend.Tier == RouterSpecDefaults.TierCloud)
                {
                    errors.Add(new($"{path}.tier", "tier=cloud is invalid for a backend with inferenceServiceRef (use tier=local)"));
                }

                if (string.IsNullOrEmpty(serviceRef.Name))
                {
                    errors.Add(new($"{path}.inferenceServiceRef.name", "name is required"));
                }
            }

            if (backend.External is { } external)
            {
                ValidateExternal(external, $"{path}.external", errors);
            }

            CheckMinimum(errors, $"{path}.weight", backend.Weight, 0);
            if (backend.CostPerMillionTokens is { } cost)
            {
                CheckDecimal(errors, $"{path}.costPerMillionTokens.promptUSD", cost.PromptUSD);
                CheckDecimal(errors, $"{path}.costPerMillionTokens.completionUSD", cost.CompletionUSD);
            }

            if (backend.HealthCheck is { } healthCheck)
            {
                ValidateHealthCheck(healthCheck, $"{path}.healthCheck", errors);
            }

            CheckTimeout(errors, $"{path}.timeout", backend.Timeout);
        }

        return byName;
    }

    private static void ValidateExternal(ExternalProvider external, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(external.Provider))
        {
            errors.Add(new($"{path}.provider", "provider is required"));
        }
        else
        {
            CheckEnum(errors, $"{path}.provider", external.Provider, ProviderDefaults.All);
        }

        if (string.IsNullOrEmpty(external.Model))
        {
            errors.Add(new($"{path}.model", "model is required"));
        }

        var mock = external.Provider == ProviderDefaults.Mock;
        if (!string.IsNullOrEmpty(external.Url))
        {
            if (mock)
            {
                if (MockOptions.ValidateUrl(external.Url) is { } problem)
                {
                    errors.Add(new($"{path}.url", problem));
                }
            }
            else if (!Uri.TryCreate(external.Url, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || string.IsNullOrEmpty(uri.Host))
            {
                errors.Add(new($"{path}.url", $"must be an absolute http or https URL; got \"{external.Url}\""));
            }
            else if (MockOptions.IsMockHost(uri))
            {
                errors.Add(new($"{path}.url", $"host {MockOptions.Host} is reserved for provider \"{ProviderDefaults.Mock}\""));
            }
        }
        else if (ProviderDefaults.IsKnown(external.Provider) && ProviderDefaults.DefaultUrl(external.Provider) is null)
        {
            errors.Add(new($"{path}.url", $"url is required for provider \"{external.Provider}\""));
        }

        if (external.CredentialsSecretRef is { } secretRef && string.IsNullOrEmpty(secretRef.Name))
        {
            errors.Add(new($"{path}.credentialsSecretRef.name", "name is required"));
        }
        else if (mock && external.CredentialsSecretRef is not null)
        {
            errors.Add(new($"{path}.credentialsSecretRef", $"provider \"{ProviderDefaults.Mock}\" takes no credential"));
        }
    }

    private static HashSet<string> ValidateRules(
        ModelRouterSpec spec, Dictionary<string, RouterBackend> backends, List<FieldError> errors)
    {
        var ruleNames = new HashSet<string>(StringComparer.Ordinal);
        if (spec.Rules is null)
        {
            return ruleNames;
        }

        var sensitive = RouterSpecDefaults.SensitiveClassifications(spec);
        for (var i = 0; i < spec.Rules.Count; i++)
        {
            var path = $"spec.rules[{i}]";
            var rule = spec.Rules[i];
            if (rule is null)
            {
                errors.Add(new(path, "rule must be an object"));
                continue;
            }

            if (string.IsNullOrEmpty(rule.Name))
            {
                errors.Add(new($"{path}.name", "name is required"));
            }
            else
            {
                CheckName(errors, $"{path}.name", rule.Name);
                if (!ruleNames.Add(rule.Name))
                {
                    errors.Add(new($"{path}.name", $"duplicate rule name \"{rule.Name}\""));
                }
            }

            if (rule.Match is { } match)
            {
                ValidateMatch(match, $"{path}.match", errors);
            }

            var routeBackends = ValidateRoute(rule.Route, $"{path}.route", backends, errors);
            CheckTimeout(errors, $"{path}.timeout", rule.Timeout);

            var matched = (rule.Match?.DataClassification ?? []).Where(sensitive.Contains).Distinct().ToList();
            if (matched.Count == 0)
            {
                continue;
            }

            if (!rule.FailClosed)
            {
                errors.Add(new($"{path}.failClosed",
                    $"rule matches sensitive classifications [{string.Join(' ', matched)}] and must set failClosed=true"));
            }

            for (var j = 0; j < routeBackends.Count; j++)
            {
                if (routeBackends[j] is { } name && backends.TryGetValue(name, out var backend)
                    && RouterSpecDefaults.EffectiveTier(backend) is var tier && tier != RouterSpecDefaults.TierLocal)
                {
                    errors.Add(new($"{path}.route.backends[{j}]",
                        $"backend \"{name}\" is tier {tier} but rule \"{rule.Name}\" matches sensitive data"));
                }
            }
        }

        return ruleNames;
    }

    private static void ValidateMatch(RuleMatch match, string path, List<FieldError> errors)
    {
        var classifications = match.DataClassification ?? [];
        for (var k = 0; k < classifications.Count; k++)
        {
            CheckClassification(errors, $"{path}.dataClassification[{k}]", classifications[k]);
        }

        CheckEnum(errors, $"{path}.taskComplexity", match.TaskComplexity, _complexities);
        CheckMinimum(errors, $"{path}.latencySLOMs", match.LatencySLOMs, 1);
        foreach (var header in match.Headers ?? [])
        {
            if (string.IsNullOrWhiteSpace(header.Key))
            {
                errors.Add(new($"{path}.headers", "header name must not be empty"));
            }
        }
    }

    private static IReadOnlyList<string?> ValidateRoute(
        RuleRoute? route, string path, Dictionary<string, RouterBackend> backends, List<FieldError> errors)
    {
        if (route is null)
        {
            errors.Add(new(path, "route is required"));
            return [];
        }

        CheckEnum(errors, $"{path}.strategy", route.Strategy, _strategies);
        var names = route.Backends ?? [];
        if (names.Count == 0)
        {
            errors.Add(new($"{path}.backends", "must reference at least one backend"));
        }

        for (var j = 0; j < names.Count; j++)
        {
            if (names[j] is not { } name || !backends.ContainsKey(name))
            {
                errors.Add(new($"{path}.backends[{j}]", $"references undefined backend \"{names[j]}\""));
            }
        }

        return names;
    }
}
