using System.Net;
using System.Text.Json.Nodes;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// Where Envoy sends a backend's requests, from its resolved address: a host name or a literal IP, a port (the URL's,
/// else 443 for https and 80 for http), TLS for https (verified against the system CAs), and the URL's path as the
/// OpenAI API prefix (our gateway appends <c>/v1/...</c> to it).
/// </summary>
public sealed record GatewayUpstream(string Host, int Port, bool IsIp, bool Tls, string? Prefix)
{
    public static GatewayUpstream Parse(string address)
    {
        var uri = new Uri(address, UriKind.Absolute);
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        var path = uri.AbsolutePath.TrimEnd('/');
        return new GatewayUpstream(host, uri.Port, IPAddress.TryParse(host, out _), uri.Scheme == Uri.UriSchemeHttps, path.Length == 0 ? null : path + "/v1");
    }

    /// <summary>An in-cluster Service: <c>name.namespace.svc.cluster.local</c>.</summary>
    public static GatewayUpstream Service(string service, string ns, int port) => new($"{service}.{ns}.svc.cluster.local", port, false, false, null);

    /// <summary>The <c>spec</c> of an Envoy Gateway <c>Backend</c> with one endpoint.</summary>
    public JsonObject BackendSpec()
    {
        var endpoint = IsIp
            ? new JsonObject { ["ip"] = new JsonObject { ["address"] = Host, ["port"] = Port } }
            : new JsonObject { ["fqdn"] = new JsonObject { ["hostname"] = Host, ["port"] = Port } };
        var spec = new JsonObject { ["endpoints"] = new JsonArray(endpoint) };
        if (Tls)
        {
            var tls = new JsonObject { ["wellKnownCACertificates"] = "System" };
            if (!IsIp) tls["sni"] = Host;
            spec["tls"] = tls;
        }
        return spec;
    }

    /// <summary>The <c>spec</c> of an <c>AIServiceBackend</c> speaking the OpenAI schema to the <c>Backend</c> <paramref name="backend"/>.</summary>
    public JsonObject ServiceBackendSpec(string backend)
    {
        var schema = new JsonObject { ["name"] = "OpenAI" };
        if (Prefix is not null) schema["prefix"] = Prefix;
        return new JsonObject
        {
            ["schema"] = schema,
            ["backendRef"] = new JsonObject { ["name"] = backend, ["kind"] = GatewayKinds.Backend.Kind, ["group"] = GatewayKinds.EnvoyGroup },
        };
    }
}
