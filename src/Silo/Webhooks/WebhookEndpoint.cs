using k8s.Models;

namespace LLMKube.Silo.Webhooks;

/// <summary>Where the API server calls the webhook: a Service in the cluster, or a URL (a webhook outside the cluster, tests).</summary>
public sealed record WebhookEndpoint(Admissionregistrationv1ServiceReference? Service, string? BaseUrl)
{
    /// <summary>The Service <paramref name="ns"/>/<paramref name="name"/> on <paramref name="port"/> (the Service port, not the pod's).</summary>
    public static WebhookEndpoint ForService(string ns, string name, int port = 443)
        => new(new Admissionregistrationv1ServiceReference { NamespaceProperty = ns, Name = name, Port = port }, null);

    /// <summary>An HTTPS base URL such as <c>https://127.0.0.1:9443</c>; the endpoint paths are appended.</summary>
    public static WebhookEndpoint ForUrl(string baseUrl) => new(null, baseUrl.TrimEnd('/'));

    /// <summary>The client config of the endpoint at <paramref name="path"/>, trusting <paramref name="caBundle"/> (PEM bytes) when given.</summary>
    public Admissionregistrationv1WebhookClientConfig ClientConfig(string path, byte[]? caBundle) => Service is { } service
        ? new() { Service = new() { NamespaceProperty = service.NamespaceProperty, Name = service.Name, Port = service.Port, Path = path }, CaBundle = caBundle }
        : new() { Url = BaseUrl + path, CaBundle = caBundle };
}
