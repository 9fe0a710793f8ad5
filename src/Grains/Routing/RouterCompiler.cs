using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LLMKube.Grains.Api;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Routing;

/// <summary>
/// Turns a <c>ModelRouter</c> into the <see cref="RouterConfig"/> the gateway routes from: validates
/// it, resolves every backend to an address, applies defaults. Pure: the same inputs give the same
/// config and <see cref="RouterConfig.SpecHash"/>.
/// </summary>
public static class RouterCompiler
{
    /// <summary>The port an InferenceService listens on when its spec names none.</summary>
    public const int DefaultInferenceServicePort = 8080;

    private static readonly JsonSerializerOptions _hashJsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Compiles <paramref name="router"/>, resolving <c>inferenceServiceRef</c>s in <paramref name="resources"/>.</summary>
    public static CompileResult Compile(ModelRouter router, ResourceSet resources)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(resources);
        var validationErrors = ModelRouterValidator.Validate(router);
        if (validationErrors.Count > 0)
        {
            return new(null, validationErrors);
        }

        // Validation guarantees spec, backends and every name and reference below.
        var spec = router.Spec!;
        var ns = router.Metadata.NamespaceOrDefault;
        var errors = new List<FieldError>();
        var backends = new List<BackendConfig>();
        for (var i = 0; i < spec.Backends!.Count; i++)
        {
            if (CompileBackend(spec.Backends[i], $"spec.backends[{i}]", ns, resources, errors) is { } backend)
            {
                backends.Add(backend);
            }
        }

        if (errors.Count > 0)
        {
            return new(null, errors);
        }

        var config = new RouterConfig(
            Router: router.Key,
            SpecHash: ComputeSpecHash(spec, backends),
            Backends: [.. backends],
            Rules: [.. (spec.Rules ?? []).Select(CompileRule)],
            DefaultRoute: string.IsNullOrEmpty(spec.DefaultRoute) ? null : spec.DefaultRoute,
            BackendNameMatch: spec.DefaultRouteStrategy == "BackendNameMatch",
            ClassificationHeader: RouterSpecDefaults.ClassificationHeader(spec),
            SensitiveClassifications: [.. RouterSpecDefaults.SensitiveClassifications(spec)],
            Timers: CompileTimers(spec.Proxy))
        {
            Breaker = new BreakerSettings(spec.Proxy?.Consecutive5xxThreshold ?? BreakerSettings.DefaultConsecutive5xxThreshold),
            PanicMode = spec.Proxy?.PanicMode ?? true,
            AuditFile = spec.Policy?.AuditLog is { Sink: "file", FilePath: { Length: > 0 } file } ? file : null,
        };
        return new(config, []);
    }

    private static BackendConfig? CompileBackend(
        RouterBackend backend, string path, string ns, ResourceSet resources, List<FieldError> errors)
    {
        var tier = RouterSpecDefaults.EffectiveTier(backend) == RouterSpecDefaults.TierCloud ? BackendTier.Cloud : BackendTier.Local;
        var displayName = string.IsNullOrEmpty(backend.DisplayName) ? null : backend.DisplayName;
        string address;
        string? serviceKey = null;
        CredentialRef? credential = null;
        if (backend.External is { } external)
        {
            // Validation rejected a provider without a default and without url.
            address = (string.IsNullOrEmpty(external.Url) ? ProviderDefaults.DefaultUrl(external.Provider)! : external.Url).TrimEnd('/');
            if (external.CredentialsSecretRef?.Name is { Length: > 0 } secretName)
            {
                var key = ProviderDefaults.CredentialEnvVar(external.Provider)!;
                var value = resources.FindSecret(ns, secretName)?.Values().GetValueOrDefault(key);
                credential = new CredentialRef(secretName, key, string.IsNullOrEmpty(value) ? null : new SecretValue(value));
            }
        }
        else
        {
            var serviceName = backend.InferenceServiceRef!.Name!;
            serviceKey = $"{ns}/{serviceName}";
            var service = resources.FindInferenceService(ns, serviceName);
            if (service is null)
            {
                errors.Add(new($"{path}.inferenceServiceRef.name", $"InferenceService \"{serviceKey}\" not found"));
                return null;
            }

            if (!TryResolveAddress(service, out address))
            {
                errors.Add(new($"{path}.inferenceServiceRef.name",
                    $"InferenceService \"{serviceKey}\" has an invalid status.endpoint \"{service.Status?.Endpoint}\""));
                return null;
            }
        }

        return new BackendConfig(
            Name: backend.Name!,
            PublishedId: displayName ?? backend.Name!,
            Tier: tier,
            Address: address,
            Provider: backend.External?.Provider?.ToLowerInvariant(),
            UpstreamModel: backend.External?.Model,
            Capabilities: [.. backend.Capabilities ?? []],
            Weight: backend.Weight ?? 1,
            Credential: credential,
            Timeout: ParseOptional(backend.Timeout),
            InferenceService: serviceKey,
            DisplayName: displayName)
        {
            HealthCheck = CompileHealthCheck(backend.HealthCheck),
            Prices = TokenPrices.From(backend.CostPerMillionTokens?.PromptUSD, backend.CostPerMillionTokens?.CompletionUSD),
        };
    }

    private static HealthCheckConfig? CompileHealthCheck(HealthCheckSpec? spec) => spec is null ? null : new(
        Path: string.IsNullOrEmpty(spec.Path) ? HealthCheckConfig.DefaultPath : spec.Path,
        Interval: TimeSpan.FromSeconds(spec.IntervalSeconds ?? HealthCheckConfig.DefaultIntervalSeconds),
        Timeout: TimeSpan.FromSeconds(spec.TimeoutSeconds ?? HealthCheckConfig.DefaultTimeoutSeconds),
        FailureThreshold: spec.FailureThreshold ?? HealthCheckConfig.DefaultFailureThreshold,
        SuccessThreshold: spec.SuccessThreshold ?? HealthCheckConfig.DefaultSuccessThreshold);

    // status.endpoint without its path when the service reports one; otherwise the runtime is on
    // this machine, which is how standalone mode runs it.
    private static bool TryResolveAddress(InferenceService service, out string address)
    {
        address = "";
        if (string.IsNullOrEmpty(service.Status?.Endpoint))
        {
            address = $"http://127.0.0.1:{service.Spec?.Endpoint?.Port ?? DefaultInferenceServicePort}";
            return true;
        }

        if (!Uri.TryCreate(service.Status.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        address = $"{uri.Scheme}://{uri.Host}:{uri.Port}";
        return true;
    }

    private static RuleConfig CompileRule(RouterRule rule)
    {
        var match = rule.Match;
        return new RuleConfig(
            Name: rule.Name!,
            DataClassification: [.. match?.DataClassification ?? []],
            TaskComplexity: string.IsNullOrEmpty(match?.TaskComplexity) ? null : match.TaskComplexity,
            RequiredCapabilities: [.. match?.RequiredCapabilities ?? []],
            Headers: [.. (match?.Headers ?? []).Select(h => new HeaderCondition(h.Key.ToLowerInvariant(), h.Value ?? ""))],
            Models: [.. match?.Models ?? []],
            Backends: [.. rule.Route!.Backends!],
            Strategy: rule.Route.Strategy switch
            {
                "weighted" => RouteStrategy.Weighted,
                "shadow" => RouteStrategy.Shadow,
                _ => RouteStrategy.PrimaryFallback,
            },
            FailClosed: rule.FailClosed,
            Timeout: ParseOptional(rule.Timeout));
    }

    private static RouterTimers CompileTimers(RouterProxySpec? proxy) => new(
        ResponseHeaderTimeout: ParseOptional(proxy?.ResponseHeaderTimeout) ?? RouterTimers.DefaultResponseHeaderTimeout,
        ConnectTimeout: ParseOptional(proxy?.ConnectTimeout) ?? RouterTimers.DefaultConnectTimeout,
        StreamIdleTimeout: ParseOptional(proxy?.StreamIdleTimeout),
        MaxStreamDuration: ParseOptional(proxy?.MaxStreamDuration),
        QuarantineDuration: ParseOptional(proxy?.QuarantineDuration) ?? RouterTimers.DefaultQuarantineDuration);

    private static TimeSpan? ParseOptional(string? value) =>
        !string.IsNullOrEmpty(value) && GoDuration.TryParse(value, out var duration) ? duration : null;

    /// <summary>SHA-256 over the spec as canonical JSON (sorted keys, no nulls) plus each backend's resolved address.</summary>
    private static string ComputeSpecHash(ModelRouterSpec spec, IReadOnlyList<BackendConfig> backends)
    {
        var element = JsonSerializer.SerializeToElement(spec, _hashJsonOptions);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = _hashJsonOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("spec");
            WriteCanonical(writer, element);
            writer.WriteStartObject("addresses");
            foreach (var backend in backends)
            {
                writer.WriteString(backend.Name, backend.Address);
            }

            writer.WriteEndObject();
            // A rotated Secret is a new config (gateways must get it), but the hash never carries the value itself.
            writer.WriteStartObject("credentials");
            foreach (var backend in backends)
            {
                if (backend.Credential?.Value is { } secret)
                    writer.WriteString(backend.Name, Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret.Reveal()))));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
