using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LLMKube.Grains.Observability;

/// <summary>
/// The ports of the admin listener, as bound (port 0 becomes the one the system picked), and the per-request test
/// "did this arrive on an admin port": one integer comparison on the traffic path.
/// </summary>
public sealed class AdminPorts(IReadOnlyList<ListenAddress> configured)
{
    private readonly List<ListenOptions> _bound = [];
    private int[]? _ports;

    /// <summary>The addresses as configured (before binding).</summary>
    public IReadOnlyList<ListenAddress> Configured => configured;

    /// <summary>The bound ports; known once the server has started.</summary>
    public IReadOnlyList<int> Ports => PortArray();

    internal void Bound(ListenOptions options) => _bound.Add(options);

    /// <summary>True when <paramref name="context"/> arrived on an admin port.</summary>
    public bool IsAdmin(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        var ports = PortArray();
        for (var i = 0; i < ports.Length; i++)
            if (ports[i] == port) return true;
        return false;
    }

    private int[] PortArray()
    {
        if (_ports is { } known) return known;
        var ports = _bound.Select(o => o.IPEndPoint?.Port ?? 0).ToArray();
        // Before the server has bound, a port-0 address has no port yet: nothing to remember.
        if (ports.Contains(0)) return [.. ports.Where(p => p != 0)];
        return _ports = [.. ports.Distinct()];
    }

    /// <summary>True when <paramref name="url"/> (as Kestrel reports a failed bind) is one of the admin addresses.</summary>
    public bool Describes(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && configured.Any(a => a.Port == uri.Port);
}
