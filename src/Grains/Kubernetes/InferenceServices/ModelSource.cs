using System.Security.Cryptography;
using System.Text;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>What kind of place a Model's weights come from.</summary>
public enum ModelSourceKind
{
    /// <summary>An http(s) URL of one file.</summary>
    Http,
    /// <summary>A Hugging Face repo (<c>hf://org/repo[@rev][/file]</c> or <c>org/repo[@rev]</c>), with or without a file in it.</summary>
    HuggingFace,
    /// <summary><c>pvc://claim/path</c>: a file or folder on a PersistentVolumeClaim.</summary>
    Pvc,
    /// <summary>An absolute path or <c>file://</c> URL on the machine that serves it (the Mac agent).</summary>
    Local,
}

/// <summary>
/// <c>Model.spec.source</c> taken apart. <see cref="DownloadUrl"/> is set for a single file fetched over http(s)
/// (a URL, or a file in a Hugging Face repo); <see cref="Repo"/> for a Hugging Face repo; <see cref="Claim"/> and
/// <see cref="ClaimPath"/> for a pvc:// source.
/// </summary>
public sealed record ModelSource(
    ModelSourceKind Kind,
    string Source,
    string? DownloadUrl = null,
    string? FileName = null,
    string? Repo = null,
    string? Revision = null,
    string? Claim = null,
    string? ClaimPath = null)
{
    /// <summary>A single file the pod fetches before the runtime starts.</summary>
    public bool IsDownload => DownloadUrl is not null;

    /// <summary>Reads a source; null when it matches none of the accepted forms.</summary>
    public static ModelSource? Parse(string? source)
    {
        if (string.IsNullOrWhiteSpace(source)) return null;
        if (source.StartsWith("http://", StringComparison.Ordinal) || source.StartsWith("https://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return null;
            return new ModelSource(ModelSourceKind.Http, source, DownloadUrl: source, FileName: SafeFileName(Uri.UnescapeDataString(uri.AbsolutePath)));
        }
        if (source.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = source["pvc://".Length..];
            var slash = rest.IndexOf('/');
            var claim = slash < 0 ? rest : rest[..slash];
            if (claim.Length == 0) return null;
            return new ModelSource(ModelSourceKind.Pvc, source, Claim: claim, ClaimPath: slash < 0 ? "" : rest[(slash + 1)..].Trim('/'));
        }
        if (source.StartsWith("file://", StringComparison.Ordinal) || source.StartsWith('/')) return new ModelSource(ModelSourceKind.Local, source);
        var hf = source.StartsWith("hf://", StringComparison.Ordinal) ? source["hf://".Length..] : source;
        return ParseHuggingFace(source, hf);
    }

    // org/repo[@rev][/path/to/file]
    private static ModelSource? ParseHuggingFace(string source, string text)
    {
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || text.Contains("://", StringComparison.Ordinal)) return null;
        var name = parts[1];
        string? revision = null;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            revision = name[(at + 1)..];
            name = name[..at];
            if (revision.Length == 0 || name.Length == 0) return null;
        }
        var repo = $"{parts[0]}/{name}";
        if (parts.Length == 2) return new ModelSource(ModelSourceKind.HuggingFace, source, Repo: repo, Revision: revision);
        var file = string.Join('/', parts[2..]);
        var url = $"https://huggingface.co/{repo}/resolve/{Uri.EscapeDataString(revision ?? "main")}/{string.Join('/', parts[2..].Select(Uri.EscapeDataString))}";
        return new ModelSource(ModelSourceKind.HuggingFace, source, DownloadUrl: url, FileName: SafeFileName(file), Repo: repo, Revision: revision);
    }

    /// <summary>The cache folder of a downloaded file: the first 16 hex digits of the SHA-256 of the source text.</summary>
    public static string CacheKeyOf(string source)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];

    // The last path segment, reduced to characters that are safe in a path and a shell word.
    private static string SafeFileName(string path)
    {
        var name = path.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).TrimStart('.');
        return safe.Length == 0 ? "model.gguf" : safe;
    }
}
