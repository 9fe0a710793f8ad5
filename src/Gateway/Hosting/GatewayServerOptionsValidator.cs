using Microsoft.Extensions.Options;

namespace LLMKube.Gateway.Hosting;

/// <summary>Refuses <see cref="GatewayServerOptions"/> the gateway could not run with, naming each key, at start-up.</summary>
internal sealed class GatewayServerOptionsValidator : IValidateOptions<GatewayServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayServerOptions o)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) failures.Add($"{GatewayServerOptions.Section}:{key} {rule}");
        }
        // The body is buffered in one array for fallback, so the cap must fit one.
        Check(o.MaxRequestBodyBytes is > 0 and <= int.MaxValue - 1, nameof(o.MaxRequestBodyBytes), $"must be between 1 and {int.MaxValue - 1}; got {o.MaxRequestBodyBytes}");
        Check(o.MaxJsonDepth is >= 1 and <= 1000, nameof(o.MaxJsonDepth), $"must be between 1 and 1000; got {o.MaxJsonDepth}");
        Check(o.SnapshotPollInterval > TimeSpan.Zero, nameof(o.SnapshotPollInterval), $"must be > 0; got {o.SnapshotPollInterval}");
        Check(o.ResubscribeInterval > TimeSpan.Zero, nameof(o.ResubscribeInterval), $"must be > 0; got {o.ResubscribeInterval}");
        Check(o.DegradedAfter > TimeSpan.Zero, nameof(o.DegradedAfter), $"must be > 0; got {o.DegradedAfter}");
        Check(o.ProbeLeaseTimeout > TimeSpan.Zero, nameof(o.ProbeLeaseTimeout), $"must be > 0; got {o.ProbeLeaseTimeout}");
        Check(o.ReloadDebounce >= TimeSpan.Zero, nameof(o.ReloadDebounce), $"must not be negative; got {o.ReloadDebounce}");
        Check(o.MaxConcurrentShadowRequests >= 0, nameof(o.MaxConcurrentShadowRequests), $"must not be negative; got {o.MaxConcurrentShadowRequests}");
        Check(o.SiloPort is >= 0 and <= 65535, nameof(o.SiloPort), $"must be a port (0 picks a free one); got {o.SiloPort}");
        Check(o.MaxRequestHeaderCount >= 1, nameof(o.MaxRequestHeaderCount), $"must be >= 1; got {o.MaxRequestHeaderCount}");
        Check(o.MaxRequestHeadersTotalSize >= 1024, nameof(o.MaxRequestHeadersTotalSize), $"must be >= 1024; got {o.MaxRequestHeadersTotalSize}");
        Check(o.MaxRequestLineSize >= 256, nameof(o.MaxRequestLineSize), $"must be >= 256; got {o.MaxRequestLineSize}");
        Check(o.RequestHeadersTimeout > TimeSpan.Zero, nameof(o.RequestHeadersTimeout), $"must be > 0; got {o.RequestHeadersTimeout}");
        Check(o.MinRequestBodyDataRate >= 0, nameof(o.MinRequestBodyDataRate), $"must not be negative (0 disables it); got {o.MinRequestBodyDataRate}");
        Check(o.MinRequestBodyDataRate == 0 || o.MinRequestBodyDataRateGracePeriod > TimeSpan.FromSeconds(1),
            nameof(o.MinRequestBodyDataRateGracePeriod), $"must exceed 1 s; got {o.MinRequestBodyDataRateGracePeriod}");
        Check(!string.IsNullOrWhiteSpace(o.AuditLog), nameof(o.AuditLog), "must be stdout, none or a file path");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
