using System.Net;

namespace LLMKube.Grains.Observability;

/// <summary>One address a listener binds: an IP (or every interface, or localhost) and a port.</summary>
/// <param name="Address">The IP to bind; null with <paramref name="Localhost"/> false means every interface.</param>
/// <param name="Localhost">Bind the loopback addresses (IPv4 and IPv6), as <c>http://localhost:port</c> asks.</param>
public sealed record ListenAddress(IPAddress? Address, bool Localhost, int Port)
{
    /// <summary>
    /// Parses a <c>;</c>-separated list of <c>http://host:port</c> URLs, as ASP.NET Core's <c>urls</c> setting takes them:
    /// host is an IP, <c>localhost</c>, or <c>*</c>/<c>+</c>/<c>0.0.0.0</c> for every interface. Returns the problems
    /// instead of throwing, each naming <paramref name="setting"/>.
    /// </summary>
    public static (IReadOnlyList<ListenAddress> Addresses, IReadOnlyList<string> Problems) ParseList(string urls, string setting)
    {
        var addresses = new List<ListenAddress>();
        var problems = new List<string>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(url) is { } address) addresses.Add(address);
            else problems.Add($"{setting}: \"{url}\" is not an address to listen on; use http://<ip, localhost or *>:<port>");
        }
        if (addresses.Count == 0 && problems.Count == 0) problems.Add($"{setting} is empty; use http://<ip, localhost or *>:<port>");
        return (addresses, problems);
    }

    private static ListenAddress? Parse(string url)
    {
        const string scheme = "http://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var authority = url[scheme.Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || authority.IndexOf('/') >= 0) return null;
        if (!int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
            return null;
        var host = authority[..colon];
        if (host is "*" or "+") return new ListenAddress(null, false, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return port == 0 ? null : new ListenAddress(null, true, port);
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        return IPAddress.TryParse(host, out var ip) ? new ListenAddress(ip, false, port) : null;
    }

    /// <summary>The URL form, as logs and messages show it.</summary>
    public override string ToString()
        => Localhost ? $"http://localhost:{Port}"
            : Address is null ? $"http://*:{Port}"
            : Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"http://[{Address}]:{Port}" : $"http://{Address}:{Port}";
}
