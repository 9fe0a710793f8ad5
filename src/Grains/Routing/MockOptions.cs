using System.Globalization;

namespace LLMKube.Grains.Routing;

/// <summary>
/// How a <c>provider: mock</c> backend behaves, read from the query of its <c>external.url</c>
/// (<c>http://mock.llmkube.invalid?latencyMs=200&amp;status=503</c>). The validator parses it at load so a
/// bad value is refused with its field path; the gateway's in-process mock parses the same text per request.
/// </summary>
public sealed record MockOptions
{
    /// <summary>The reserved host of every mock address: <c>.invalid</c> never resolves, so a mock request cannot leave the process.</summary>
    public const string Host = "mock.llmkube.invalid";

    /// <summary>The address of a mock backend whose <c>external.url</c> is empty.</summary>
    public const string DefaultUrl = "http://" + Host;

    /// <summary>Option names, as written in the URL query.</summary>
    public const string LatencyMsName = "latencyMs", ChunkDelayMsName = "chunkDelayMs", StatusName = "status",
        FailureRateName = "failureRate", SeedName = "seed", ChunksName = "chunks";

    /// <summary>The largest <c>latencyMs</c> (10 minutes).</summary>
    public const int MaxLatencyMs = 600_000;

    /// <summary>The largest <c>chunkDelayMs</c> (1 minute).</summary>
    public const int MaxChunkDelayMs = 60_000;

    /// <summary>The largest <c>chunks</c>.</summary>
    public const int MaxChunks = 10_000;

    private static readonly string _known = string.Join(", ", LatencyMsName, ChunkDelayMsName, StatusName, FailureRateName, SeedName, ChunksName);

    /// <summary>No latency, no failures, one chunk per word.</summary>
    public static MockOptions Default { get; } = new();

    /// <summary>Delay before the response headers.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Delay between two events of a streamed answer.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>The error status a failing request gets; set alone, every request fails with it.</summary>
    public int? Status { get; init; }

    /// <summary>The share of requests that fail (0 to 1); set alone, failures are 500s.</summary>
    public double? FailureRate { get; init; }

    /// <summary>The seed of the failure draws: the same seed gives the same sequence of failures.</summary>
    public int Seed { get; init; }

    /// <summary>The number of content pieces of an answer; null means one per word.</summary>
    public int? Chunks { get; init; }

    /// <summary>The share of requests that fail: <see cref="FailureRate"/>, else 1 when <see cref="Status"/> is set, else 0.</summary>
    public double EffectiveFailureRate => FailureRate ?? (Status is null ? 0 : 1);

    /// <summary>The status of a failed request: <see cref="Status"/>, else 500.</summary>
    public int FailureStatus => Status ?? 500;

    /// <summary>True when <paramref name="uri"/> is a mock address (host <see cref="Host"/>, any case).</summary>
    public static bool IsMockHost(Uri uri) => string.Equals(uri.Host, Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks a mock backend's <c>external.url</c>; returns the problem, or null when it is valid.</summary>
    public static string? ValidateUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !IsMockHost(uri)
            || !uri.IsDefaultPort || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Fragment.Length > 0)
        {
            return $"must be {DefaultUrl}, optionally with options as a query (e.g. {DefaultUrl}?latencyMs=200&status=503); got \"{url}\"";
        }

        return TryParse(uri.Query.TrimStart('?'), out _, out var error) ? null : error;
    }

    /// <summary>Parses <c>name=value&amp;...</c> (no leading <c>?</c>). Names are case-sensitive; each may appear once.</summary>
    public static bool TryParse(string query, out MockOptions options, out string? error)
    {
        options = Default;
        error = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!seen.Add(name))
            {
                options = Default;
                error = $"mock option \"{name}\" is given twice";
                return false;
            }

            switch (name)
            {
                case LatencyMsName:
                    error = ParseInt(Label(name), value, 0, MaxLatencyMs, out var latency);
                    options = options with { Latency = TimeSpan.FromMilliseconds(latency) };
                    break;
                case ChunkDelayMsName:
                    error = ParseInt(Label(name), value, 0, MaxChunkDelayMs, out var delay);
                    options = options with { ChunkDelay = TimeSpan.FromMilliseconds(delay) };
                    break;
                case StatusName:
                    error = ParseInt(Label(name), value, 400, 599, out var status);
                    options = options with { Status = status };
                    break;
                case FailureRateName:
                    error = Rate(Label(name), value, out var rate);
                    options = options with { FailureRate = rate };
                    break;
                case SeedName:
                    error = ParseInt(Label(name), value, 0, int.MaxValue, out var seed);
                    options = options with { Seed = seed };
                    break;
                case ChunksName:
                    error = ParseInt(Label(name), value, 1, MaxChunks, out var chunks);
                    options = options with { Chunks = chunks };
                    break;
                default:
                    error = $"unknown mock option \"{name}\"; known options: {_known}";
                    break;
            }

            if (error is not null)
            {
                options = Default;
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Parses an integer in [<paramref name="min"/>, <paramref name="max"/>]; returns the problem, naming
    /// the value by <paramref name="label"/>, or null. Shared with the mock's per-request headers.
    /// </summary>
    public static string? ParseInt(string label, string value, int min, int max, out int result)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return null;
        }

        return $"{label} must be an integer from {min} to {max}; got \"{value}\"";
    }

    private static string Label(string name) => $"mock option \"{name}\"";

    private static string? Rate(string label, string value, out double result)
    {
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out result) && result is >= 0 and <= 1)
        {
            return null;
        }

        return $"{label} must be a number from 0 to 1; got \"{value}\"";
    }
}
