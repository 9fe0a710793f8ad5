using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Silo.Kubernetes;
using LLMKube.Silo.Webhooks;
using LLMKube.Silo.Webhooks.Certificates;
using Microsoft.Extensions.Logging.Abstractions;

namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>
/// The silo's admission webhook server started in the test process on 127.0.0.1 and a free port, in self-signed mode
/// with its Secret in a test namespace, as one silo of a cluster runs it; plus the helpers its tests share.
/// </summary>
public sealed class TestWebhook : IAsyncDisposable
{
    /// <summary>The label a test namespace carries for the registrations of <see cref="RegisterAsync"/> to apply to it.</summary>
    public const string NamespaceLabel = "llmkube-webhook-test";

    private readonly k8s.Kubernetes _client;

    private TestWebhook(k8s.Kubernetes client, AdmissionWebhookServer server, SelfSignedCertificateSource certificates, int port)
    {
        _client = client;
        Server = server;
        Certificates = certificates;
        Port = port;
    }

    public AdmissionWebhookServer Server { get; }

    public SelfSignedCertificateSource Certificates { get; }

    public int Port { get; }

    public string BaseUrl => BaseUrlOf(Port);

    public static string BaseUrlOf(int port) => $"https://127.0.0.1:{port}";

    /// <summary>Starts a webhook whose certificate lives in Secret <paramref name="secret"/> of <paramref name="ns"/>.</summary>
    public static async Task<TestWebhook> StartAsync(ApiServerFixture api, string ns, string secret, string? configurationName = null,
        TimeProvider? time = null, int? port = null)
    {
        var options = new WebhookOptions
        {
            Enabled = true,
            Port = port ?? Ports.Free(),
            Address = "127.0.0.1",
            CertificateSecret = secret,
            Namespace = ns,
            ServiceName = "llmkube-webhook",
            AdditionalNames = ["127.0.0.1"],
            ConfigurationName = configurationName,
        };
        var watch = new KubernetesOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) };
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(api.KubeconfigPath));
        var certificates = new SelfSignedCertificateSource(client, options, watch, time ?? TimeProvider.System, NullLoggerFactory.Instance);
        var server = new AdmissionWebhookServer(options, certificates, AdmissionReviewHandler.Default, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        return new TestWebhook(client, server, certificates, options.Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Server.StopAsync(stop.Token);
        await Server.DisposeAsync();
        _client.Dispose();
    }

    /// <summary>
    /// Creates the ValidatingWebhookConfiguration and MutatingWebhookConfiguration <paramref name="name"/> as the chart would
    /// (no caBundle: the silo publishes it), calling <paramref name="baseUrl"/> for namespaces labelled
    /// <see cref="NamespaceLabel"/>=<paramref name="selectorValue"/> only. Disposing deletes both: other tests share the API server.
    /// </summary>
    public static async Task<IAsyncDisposable> RegisterAsync(ApiServerFixture api, string name, string baseUrl, string selectorValue)
    {
        var selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [NamespaceLabel] = selectorValue } };
        var endpoint = WebhookEndpoint.ForUrl(baseUrl);
        var admission = api.Client.AdmissionregistrationV1;
        await admission.CreateValidatingWebhookConfigurationAsync(WebhookConfigurations.Validating(name, endpoint, caBundle: null, selector));
        await admission.CreateMutatingWebhookConfigurationAsync(WebhookConfigurations.Mutating(name, endpoint, caBundle: null, selector));
        return new Registration(api, name);
    }

    /// <summary>The caBundle of every webhook of both registrations <paramref name="name"/>, as text.</summary>
    public static async Task<IReadOnlyList<string>> CaBundlesAsync(ApiServerFixture api, string name)
    {
        var admission = api.Client.AdmissionregistrationV1;
        var validating = await admission.ReadValidatingWebhookConfigurationAsync(name);
        var mutating = await admission.ReadMutatingWebhookConfigurationAsync(name);
        return [.. validating.Webhooks.Select(w => w.ClientConfig.CaBundle).Concat(mutating.Webhooks.Select(w => w.ClientConfig.CaBundle))
            .Select(b => b is null ? "" : System.Text.Encoding.UTF8.GetString(b))];
    }

    /// <summary>The certificate the server on <paramref name="port"/> presents in a TLS handshake.</summary>
    public static async Task<X509Certificate2> ServedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        X509Certificate2? served = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            served = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            return true;
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1" });
        return served!;
    }

    /// <summary>An HTTP client that trusts only <paramref name="caPem"/> and checks the name, as the API server does.</summary>
    public static HttpClient TrustingClient(string caPem)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None || certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        return new HttpClient(handler);
    }

    private sealed class Registration(ApiServerFixture api, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await api.Client.AdmissionregistrationV1.DeleteValidatingWebhookConfigurationAsync(name);
            await api.Client.AdmissionregistrationV1.DeleteMutatingWebhookConfigurationAsync(name);
        }
    }
}
