using System.Net.Http.Headers;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// What the mock does for one request: the backend's <see cref="MockOptions"/>, overridden by the
/// request's <c>x-mock-*</c> headers, so a <c>curl</c> can make one request slow or failing.
/// </summary>
internal sealed record MockBehavior(MockOptions Options, TimeSpan Latency, TimeSpan ChunkDelay, int? Chunks, int? ForcedStatus)
{
    /// <summary>Fails this request with the given status (400–599).</summary>
    public const string StatusHeader = "x-mock-status";

    /// <summary>Milliseconds to wait before the response headers.</summary>
    public const string LatencyHeader = "x-mock-latency-ms";

    /// <summary>Milliseconds to wait between two streamed events.</summary>
    public const string ChunkDelayHeader = "x-mock-chunk-delay-ms";

    /// <summary>The number of content pieces of the answer.</summary>
    public const string ChunksHeader = "x-mock-chunks";

    /// <summary>Combines <paramref name="options"/> with the request's headers; returns the problem with a header, or null.</summary>
    public static string? TryResolve(MockOptions options, HttpRequestHeaders headers, out MockBehavior behavior)
    {
        behavior = new(options, options.Latency, options.ChunkDelay, options.Chunks, null);
        if (Header(headers, StatusHeader) is { } status)
        {
            if (MockOptions.ParseInt($"header {StatusHeader}", status, 400, 599, out var code) is { } error) return error;
            behavior = behavior with { ForcedStatus = code };
        }

        if (Header(headers, LatencyHeader) is { } latency)
        {
            if (MockOptions.ParseInt($"header {LatencyHeader}", latency, 0, MockOptions.MaxLatencyMs, out var ms) is { } error) return error;
            behavior = behavior with { Latency = TimeSpan.FromMilliseconds(ms) };
        }

        if (Header(headers, ChunkDelayHeader) is { } delay)
        {
            if (MockOptions.ParseInt($"header {ChunkDelayHeader}", delay, 0, MockOptions.MaxChunkDelayMs, out var ms) is { } error) return error;
            behavior = behavior with { ChunkDelay = TimeSpan.FromMilliseconds(ms) };
        }

        if (Header(headers, ChunksHeader) is { } chunks)
        {
            if (MockOptions.ParseInt($"header {ChunksHeader}", chunks, 1, MockOptions.MaxChunks, out var count) is { } error) return error;
            behavior = behavior with { Chunks = count };
        }

        return null;
    }

    private static string? Header(HttpRequestHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}
