using System.Text;

namespace LLMKube.Grains.Api;

/// <summary>A core/v1 <c>Secret</c>; standalone mode reads provider credentials from it.</summary>
public sealed class Secret : KubeObject
{
    public const string KindName = "Secret";

    /// <summary>Base64-encoded values, as in Kubernetes.</summary>
    public Dictionary<string, string>? Data { get; set; }
    /// <summary>Plain-text values; they win over <see cref="Data"/> for the same key.</summary>
    public Dictionary<string, string>? StringData { get; set; }
    public string? Type { get; set; }

    /// <summary>
    /// The values as a pod would see them: <c>stringData</c> wins over base64 <c>data</c>; values are trimmed
    /// (a key written with <c>echo</c> ends in a newline); a <c>data</c> value that is not base64 counts as missing.
    /// </summary>
    public IReadOnlyDictionary<string, string> Values()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, encoded) in Data ?? [])
        {
            if (encoded is null) continue;
            var buffer = new byte[encoded.Length];
            if (Convert.TryFromBase64String(encoded.Trim(), buffer, out var written))
                values[key] = Encoding.UTF8.GetString(buffer, 0, written).Trim();
        }
        foreach (var (key, value) in StringData ?? [])
        {
            if (value is not null) values[key] = value.Trim();
        }
        return values;
    }
}
