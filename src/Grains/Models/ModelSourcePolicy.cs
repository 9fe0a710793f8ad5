namespace LLMKube.Grains.Models;

/// <summary>
/// What the operator allows Model sources to reach, from the silo's configuration: local paths only under
/// <see cref="AllowedHostPathRoots"/> (none by default, so every local source is refused), and the hosts the silo itself
/// may fetch a GGUF header from (<see cref="AllowedRemoteHosts"/>; empty means any).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelSourcePolicy(
    [property: Id(0)] IReadOnlyList<string> AllowedHostPathRoots,
    [property: Id(1)] IReadOnlyList<string> AllowedRemoteHosts)
{
    /// <summary>The configuration key of <see cref="AllowedHostPathRoots"/>, named in refusals so an operator knows what to set.</summary>
    public const string HostPathRootsSetting = "Silo:Kubernetes:AllowedHostPathRoots";

    /// <summary>The configuration key of <see cref="AllowedRemoteHosts"/>.</summary>
    public const string RemoteHostsSetting = "Silo:Kubernetes:AllowedRemoteHosts";

    /// <summary>No local roots, any remote host: the default.</summary>
    public static ModelSourcePolicy Default { get; } = new([], []);

    /// <summary>True when <paramref name="path"/> (absolute, without '.' or '..' segments) is a root or lies under one.</summary>
    public bool AllowsHostPath(string path)
        => AllowedHostPathRoots.Any(root =>
        {
            var trimmed = root.Length > 1 ? root.TrimEnd('/') : root;
            return path == trimmed || path.StartsWith(trimmed == "/" ? "/" : trimmed + "/", StringComparison.Ordinal);
        });

    /// <summary>True when the silo may send a request to <paramref name="host"/>: an exact entry or a <c>*.domain</c> wildcard (subdomains only).</summary>
    public bool AllowsRemoteHost(string host)
        => AllowedRemoteHosts.Count == 0 || AllowedRemoteHosts.Any(entry => entry.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase) && host.Length > entry.Length - 1
            : host.Equals(entry, StringComparison.OrdinalIgnoreCase));

    /// <summary>Problems with the configured lists, for start-up validation: roots must be absolute and normalized, hosts bare names.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var root in AllowedHostPathRoots)
        {
            if (root != "/" && (!root.StartsWith('/') || ModelSource.Parse(root.TrimEnd('/')).Kind != ModelSourceKind.HostPath))
                problems.Add($"{HostPathRootsSetting}: \"{root}\" must be an absolute path without '.', '..' or empty segments");
        }
        foreach (var host in AllowedRemoteHosts)
        {
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (Uri.CheckHostName(name) is UriHostNameType.Unknown)
                problems.Add($"{RemoteHostsSetting}: \"{host}\" must be a host name, an IP address or *.domain (no scheme, port or path)");
        }
        return problems;
    }
}
