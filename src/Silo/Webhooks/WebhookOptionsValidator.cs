using System.Net;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Webhooks;

/// <summary>Refuses <see cref="WebhookOptions"/> the webhook could not serve with, naming each key, at start-up.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        if (!o.Enabled) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) failures.Add($"{WebhookOptions.Section}:{key} {rule}");
        }
        Check(o.Port is >= 1 and <= 65535, nameof(o.Port), $"must be a port between 1 and 65535; got {o.Port}");
        Check(string.IsNullOrWhiteSpace(o.Address) || IPAddress.TryParse(o.Address, out _), nameof(o.Address), $"must be an IP address (or unset for every interface); got \"{o.Address}\"");
        if (!o.SelfSigned)
        {
            Check(string.IsNullOrWhiteSpace(o.CertificateSecret), nameof(o.CertificateSecret),
                "must not be set together with CertificateDirectory: the certificate comes either from the mounted folder or from a Secret the silos issue");
            Check(Directory.Exists(o.CertificateDirectory), nameof(o.CertificateDirectory), $"must be an existing folder holding tls.crt and tls.key; \"{o.CertificateDirectory}\" does not exist");
            return Result(failures);
        }
        Check(!string.IsNullOrWhiteSpace(o.CertificateSecret), nameof(o.CertificateSecret),
            "is required when CertificateDirectory is not set: name the kubernetes.io/tls Secret the silos issue and rotate (or mount one and set CertificateDirectory)");
        Check(o.CertificateNames().Count > 0, nameof(o.ServiceName), "(or AdditionalNames) is required to issue a certificate: the names the API server calls the webhook by");
        Check(o.RotateBefore > TimeSpan.Zero && o.RotateBefore < WebhookOptions.CertificateValidity, nameof(o.RotateBefore),
            $"must be > 0 and shorter than the certificates' validity ({WebhookOptions.CertificateValidity.TotalDays:F0} days); got {o.RotateBefore}");
        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures)
        => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
