using System.Diagnostics;
using System.Net;
using System.Text;

namespace LLMKube.Bench.Infrastructure;

/// <summary>Result of one load run: throughput and latency (to full response, or to the first SSE chunk).</summary>
public sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, int Errors)
{
    /// <summary>Several rounds of the same target as one result: all latencies pooled, throughput over the total time.</summary>
    public static LoadResult Combine(IReadOnlyList<(List<double> Latencies, double Seconds, int Errors)> rounds)
    {
        var all = rounds.SelectMany(r => r.Latencies).ToList();
        all.Sort();
        return new LoadResult(all.Count / rounds.Sum(r => r.Seconds), Percentiles.Of(all, 50), Percentiles.Of(all, 90), Percentiles.Of(all, 99), rounds.Sum(r => r.Errors));
    }
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers each send the next request as soon as the
/// previous one completed, for a fixed duration. Purpose-built rather than wrk so the same code measures
/// non-streaming latency and SSE time-to-first-chunk.
/// </summary>
public static class LoadGenerator
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"model":"bench","messages":[{"role":"user","content":"hello"}]}""");
    private static readonly byte[] StreamBody = Encoding.UTF8.GetBytes("""{"model":"bench","stream":true,"messages":[{"role":"user","content":"hello"}]}""");

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    }) { Timeout = TimeSpan.FromSeconds(60) };

    public static HttpRequestMessage Request(Uri target, bool stream, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target, "/v1/chat/completions"))
        {
            Content = new ByteArrayContent(stream ? StreamBody : Body),
        };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (k, v) in headers ?? []) request.Headers.TryAddWithoutValidation(k, v);
        return request;
    }

    public static async Task<LoadResult> RunAsync(Uri[] targets, int concurrency, TimeSpan duration, bool stream,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var client = Client(concurrency);
        var (latencies, seconds, errors) = await RoundAsync(client, targets, concurrency, duration, stream, headers);
        return LoadResult.Combine([(latencies, seconds, errors)]);
    }

    /// <summary>One timed round on an existing client (its connections stay warm between rounds).</summary>
    public static async Task<(List<double> Latencies, double Seconds, int Errors)> RoundAsync(HttpClient client, Uri[] targets, int concurrency,
        TimeSpan duration, bool stream, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        // Warm up the connections.
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => SendAsync(client, targets[i % targets.Length], stream, headers)));
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            var target = targets[worker % targets.Length];
            while (stop.Elapsed < duration)
            {
                var ms = await SendAsync(client, target, stream, headers);
                if (ms < 0) Interlocked.Increment(ref errors);
                else mine.Add(ms);
            }
        }));
        return (latencies.SelectMany(l => l).ToList(), stop.Elapsed.TotalSeconds, errors);
    }

    /// <summary>Milliseconds to the full response (or to the first SSE chunk when streaming); -1 on error.</summary>
    public static async Task<double> SendAsync(HttpClient client, Uri target, bool stream, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = Request(target, stream, headers);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK) { await response.Content.CopyToAsync(Stream.Null); return -1; }
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[8192];
            if (stream)
            {
                var first = await body.ReadAsync(buffer);
                var ttfc = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                while (await body.ReadAsync(buffer) > 0) { }
                return first > 0 ? ttfc : -1;
            }
            while (await body.ReadAsync(buffer) > 0) { }
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return -1;
        }
    }
}
