namespace LLMKube.Silo.Webhooks.Certificates;

/// <summary>Where the webhook's serving certificate comes from; started before the listener, stopped after it.</summary>
public interface IServingCertificateSource : IHostedService
{
    /// <summary>The certificate to present now; null until one could be read or issued (handshakes fail meanwhile).</summary>
    ServingCertificate? Current { get; }
}
