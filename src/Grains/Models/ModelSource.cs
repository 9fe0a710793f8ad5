using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LLMKube.Grains.Models;

/// <summary>
/// <c>Model.spec.source</c> parsed into what it names. The InferenceService side reads the same parse to decide how a
/// serving pod gets the weights, so the forms accepted here are the forms every part of the system understands.
/// </summary>
public sealed partial record ModelSource(ModelSourceKind Kind, string Raw)
{
    /// <summary>The forms we accept, for messages that refuse a source.</summary>
    public const string SupportedForms =
        "http(s)://host/path/to/file, hf://org/repo[@revision], org/repo[@revision], pvc://claim/path/in/claim, /absolute/path or file:///absolute/path (under an allowed root)";

    /// <summary>The longest source accepted (the CRD's bound on strings).</summary>
    public const int MaxLength = 2048;

    private const string HuggingFaceHost = "huggingface.co";

    /// <summary>The file URL of an <see cref="ModelSourceKind.Http"/> source.</summary>
    public Uri? Url { get; init; }

    /// <summary><c>org/repo</c> of a <see cref="ModelSourceKind.HuggingFaceRepo"/> source.</summary>
    public string? Repo { get; init; }

    /// <summary>The revision of a repo source (branch, tag or commit); null means the default branch.</summary>
    public string? Revision { get; init; }

    /// <summary>The PersistentVolumeClaim of a <see cref="ModelSourceKind.Pvc"/> source.</summary>
    public string? Claim { get; init; }

    /// <summary>The path inside the claim (no leading slash) of a <see cref="ModelSourceKind.Pvc"/> source.</summary>
    public string? ClaimPath { get; init; }

    /// <summary>The absolute path of a <see cref="ModelSourceKind.HostPath"/> source (a <c>file://</c> URL decoded).</summary>
    public string? HostPath { get; init; }

    /// <summary>Why an <see cref="ModelSourceKind.Unsupported"/> source is refused.</summary>
    public string? Error { get; init; }

    /// <summary>One file a serving pod downloads before its runtime starts (an <see cref="ModelSourceKind.Http"/> source).</summary>
    public bool IsDownload => Kind == ModelSourceKind.Http;

    /// <summary>
    /// The file name a download is stored under: the URL's last path segment, reduced to characters that are safe in a
    /// path and a shell word (it ends up in an init container's script).
    /// </summary>
    public string? FileName => Url is null ? null : SafeFileName(Uri.UnescapeDataString(Url.AbsolutePath));

    /// <summary>Parses a source; never throws: bad input comes back as <see cref="ModelSourceKind.Unsupported"/> with <see cref="Error"/>.</summary>
    public static ModelSource Parse(string? source)
    {
        if (string.IsNullOrWhiteSpace(source)) return Refuse(source ?? "", "source is required");
        if (source.Length > MaxLength) return Refuse(source, $"must be at most {MaxLength} characters");
        if (source.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return Refuse(source, "must not contain whitespace or control characters");
        if (source.StartsWith('/')) return FromHostPath(source, source);
        if (SchemeRegex().Match(source) is not { Success: true } scheme) return FromRepoId(source, source);
        var rest = source[scheme.Length..];
        return scheme.Groups[1].Value switch
        {
            "http" or "https" => FromUrl(source),
            "hf" => FromRepoId(source, rest),
            "pvc" => FromClaim(source, rest),
            "file" => rest.StartsWith('/')
                ? FromHostPath(source, Uri.UnescapeDataString(rest))
                : Refuse(source, "a file:// URL must not name a host: write file:///absolute/path"),
            "s3" => Refuse(source, $"s3:// sources are not supported; supported: {SupportedForms}"),
            var other => Refuse(source, $"the {other}:// scheme is not supported; supported: {SupportedForms}"),
        };
    }

    /// <summary>The cache folder of a downloaded file: the first 16 hex digits of the SHA-256 of the source text.</summary>
    public static string CacheKey(string source)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];

    private static ModelSource FromUrl(string source)
    {
        if (!Uri.TryCreate(source, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
            return Refuse(source, "is not a valid http(s) URL");
        // Credentials in a URL would end up in pod specs, logs and events.
        if (url.UserInfo.Length > 0) return Refuse(source, "must not carry credentials (user:password@) in the URL");
        if (url.Host.Equals(HuggingFaceHost, StringComparison.OrdinalIgnoreCase) && RepoPageRegex().Match(url.AbsolutePath) is { Success: true } page)
        {
            // A repo page, not a file: the runtime pulls the repo (a file is .../resolve/<rev>/<file>).
            var revision = page.Groups["rev"].Success ? page.Groups["rev"].Value : null;
            return new ModelSource(ModelSourceKind.HuggingFaceRepo, source) { Repo = page.Groups["repo"].Value, Revision = revision };
        }
        if (url.AbsolutePath is "" or "/") return Refuse(source, "must name a file (the URL has no path)");
        if (url.Host.Equals(HuggingFaceHost, StringComparison.OrdinalIgnoreCase) && url.AbsolutePath.Contains("/blob/", StringComparison.Ordinal))
            return Refuse(source, "a huggingface.co .../blob/... URL is a web page: use .../resolve/... for the file itself");
        return new ModelSource(ModelSourceKind.Http, source) { Url = url };
    }

    private static ModelSource FromRepoId(string source, string id)
    {
        if (RepoIdRegex().Match(id) is not { Success: true } match)
            return Refuse(source, source.Contains("://", StringComparison.Ordinal)
                ? "an hf:// source is hf://org/repo or hf://org/repo@revision"
                : $"is not a supported source; supported: {SupportedForms}");
        var revision = match.Groups["rev"].Success ? match.Groups["rev"].Value : null;
        return new ModelSource(ModelSourceKind.HuggingFaceRepo, source) { Repo = match.Groups["repo"].Value, Revision = revision };
    }

    private static ModelSource FromClaim(string source, string rest)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var claim = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        if (!ClaimNameRegex().IsMatch(claim) || claim.Length > 253)
            return Refuse(source, $"\"{claim}\" is not a valid PersistentVolumeClaim name (lowercase letters, digits, '-' and '.')");
        if (path.Length == 0) return Refuse(source, "a pvc:// source names a file inside the claim: pvc://<claim>/<path>");
        if (BadSegment(path) is { } bad) return Refuse(source, $"the path inside the claim must not contain {bad}");
        return new ModelSource(ModelSourceKind.Pvc, source) { Claim = claim, ClaimPath = path };
    }

    private static ModelSource FromHostPath(string source, string path)
    {
        if (path.Length < 2) return Refuse(source, "a local path names a file, not /");
        if (path.Contains('\0', StringComparison.Ordinal)) return Refuse(source, "must not contain NUL characters");
        if (BadSegment(path[1..]) is { } bad) return Refuse(source, $"a local path must not contain {bad}");
        return new ModelSource(ModelSourceKind.HostPath, source) { HostPath = path };
    }

    // Normalized paths only: '.', '..' and empty segments could step around an allowed root.
    private static string? BadSegment(string relative)
    {
        foreach (var segment in relative.Split('/'))
        {
            if (segment is "..") return "'..' segments";
            if (segment is ".") return "'.' segments";
            if (segment.Length == 0) return "empty segments ('//' or a trailing '/')";
        }
        return null;
    }

    private static string SafeFileName(string path)
    {
        var name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).TrimStart('.');
        return safe.Length == 0 ? "model.gguf" : safe;
    }

    private static ModelSource Refuse(string source, string error) => new(ModelSourceKind.Unsupported, source) { Error = error };

    [GeneratedRegex("^([a-zA-Z][a-zA-Z0-9+.-]*)://")]
    private static partial Regex SchemeRegex();

    [GeneratedRegex(@"^(?<repo>[a-zA-Z0-9][a-zA-Z0-9_.-]*/[a-zA-Z0-9_.-]+)(@(?<rev>[a-zA-Z0-9_.-]+))?$")]
    private static partial Regex RepoIdRegex();

    [GeneratedRegex(@"^/(?<repo>[a-zA-Z0-9][a-zA-Z0-9_.-]*/[a-zA-Z0-9_.-]+)(/tree/(?<rev>[a-zA-Z0-9_.-]+))?/?$")]
    private static partial Regex RepoPageRegex();

    [GeneratedRegex("^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")]
    private static partial Regex ClaimNameRegex();
}
