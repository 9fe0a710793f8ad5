using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace LLMKube.Silo.Dashboard;

/// <summary>
/// The dashboard's access rule, decided once from <see cref="DashboardOptions"/>: off (no credentials configured),
/// open (anonymous explicitly allowed) or protected by basic credentials and/or a bearer token. Credentials are
/// compared as SHA-256 digests in constant time, so neither their content nor their length leaks through timing.
/// </summary>
public sealed class DashboardAccess
{
    private readonly byte[]? _basic;
    private readonly byte[]? _bearer;

    private DashboardAccess(bool enabled, bool anonymous, byte[]? basic, byte[]? bearer)
    {
        Enabled = enabled;
        Anonymous = anonymous;
        _basic = basic;
        _bearer = bearer;
    }

    /// <summary>The dashboard is served (credentials are configured, or anonymous access is allowed).</summary>
    public bool Enabled { get; }

    /// <summary>Anyone may open it.</summary>
    public bool Anonymous { get; }

    /// <summary>Basic authentication is configured: a browser is asked for a user name and password.</summary>
    public bool AcceptsBasic => _basic is not null;

    /// <summary>
    /// The access rule of <paramref name="options"/>, or the problems with them (each naming its key): a user name
    /// without a password or the other way round, or credentials together with anonymous access.
    /// </summary>
    public static (DashboardAccess? Access, IReadOnlyList<string> Problems) From(DashboardOptions options)
    {
        var problems = new List<string>();
        var user = !string.IsNullOrEmpty(options.Username);
        var password = !string.IsNullOrEmpty(options.Password);
        var token = !string.IsNullOrEmpty(options.Token);
        if (user != password) problems.Add($"{DashboardOptions.Section}:Username and {DashboardOptions.Section}:Password go together: set both, or neither");
        if (user && options.Username!.Contains(':')) problems.Add($"{DashboardOptions.Section}:Username must not contain ':' (HTTP basic authentication separates it from the password with one)");
        if (options.AllowAnonymous && (user || password || token))
            problems.Add($"{DashboardOptions.Section}:AllowAnonymous=true and dashboard credentials exclude each other: choose one");
        if (problems.Count > 0) return (null, problems);

        var basic = user ? Digest($"{options.Username}:{options.Password}") : null;
        var bearer = token ? Digest(options.Token!) : null;
        return (new DashboardAccess(options.AllowAnonymous || basic is not null || bearer is not null, options.AllowAnonymous, basic, bearer), []);
    }

    /// <summary>True when the request's <c>Authorization</c> header carries the configured credentials (always, when anonymous).</summary>
    public bool Allows(StringValues authorization)
    {
        if (Anonymous) return true;
        if (authorization.Count != 1 || authorization[0] is not { } header) return false;
        if (_basic is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
            catch (FormatException) { return false; }
            return CryptographicOperations.FixedTimeEquals(Digest(decoded), _basic);
        }
        if (_bearer is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return CryptographicOperations.FixedTimeEquals(Digest(header[7..].Trim()), _bearer);
        return false;
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
