using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// How <see cref="FakeUpstream"/> answers a request: a well-behaved OpenAI server, an error, or one of the
/// failure modes a gateway must survive (stalls, resets, garbage). Immutable; build with the static factories.
/// </summary>
public abstract record Behavior
{
    // A behavior is only built here, so the set of failure modes stays closed and documented.
    private protected Behavior()
    {
    }

    /// <summary>Answers JSON; by default an OpenAI <c>chat.completion</c> whose <c>model</c> echoes the request's.</summary>
    public static Behavior Json(int status = 200, string? body = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new JsonBehavior(status, body, headers);

    /// <summary>
    /// Answers 200 JSON (by default a <c>chat.completion</c> with usage), gzip-compressed with
    /// <c>Content-Encoding: gzip</c> when the request accepts gzip, as OpenAI's API does; plain otherwise.
    /// </summary>
    public static Behavior CompressedJson(string? body = null) => new CompressedJsonBehavior(body);

    /// <summary>Answers <paramref name="status"/> with an optional body and <c>Retry-After: &lt;seconds&gt;</c>.</summary>
    public static Behavior Status(int status, string? body = null, TimeSpan? retryAfter = null) =>
        new StatusBehavior(status, body, retryAfter);

    /// <summary>
    /// Streams <paramref name="chunks"/> <c>chat.completion.chunk</c> events, flushing each and waiting
    /// <paramref name="interval"/> between them; when the request asked for it (<c>stream_options.include_usage</c>),
    /// every chunk carries <c>"usage": null</c> and a usage-only chunk (<c>"choices": []</c>) follows, as OpenAI
    /// streams; then <c>data: [DONE]</c> unless <paramref name="includeDone"/> is false.
    /// </summary>
    public static Behavior Sse(int chunks, TimeSpan interval, bool includeDone = true) =>
        new SseBehavior(chunks, interval, includeDone);

    /// <summary>
    /// Reads the request and never answers. With <paramref name="duration"/>, resets the connection once it
    /// elapses (an upstream giving up); without, stalls until the client aborts or the fake stops.
    /// </summary>
    public static Behavior StallBeforeHeaders(TimeSpan? duration = null) => new StallBeforeHeadersBehavior(duration);

    /// <summary>Sends SSE headers and <paramref name="chunksBeforeStall"/> chunks, then stalls until aborted.</summary>
    public static Behavior StallMidStream(int chunksBeforeStall) => new StallMidStreamBehavior(chunksBeforeStall);

    /// <summary>Aborts the connection without sending any response.</summary>
    public static Behavior ResetConnection() => new ResetBehavior(ChunksBefore: 0, MidStream: false);

    /// <summary>Sends SSE headers and <paramref name="chunksBefore"/> chunks, then aborts the connection.</summary>
    public static Behavior ResetMidStream(int chunksBefore) => new ResetBehavior(chunksBefore, MidStream: true);

    /// <summary>Answers <c>text/event-stream</c> with lines that are not valid OpenAI SSE, then ends normally.</summary>
    public static Behavior MalformedSse() => new MalformedSseBehavior();

    /// <summary>
    /// Answers 200 <paramref name="contentType"/> and writes <paramref name="pieces"/> as they are, flushing
    /// after each: a stream whose every byte the test chooses.
    /// </summary>
    public static Behavior Raw(IReadOnlyList<string> pieces, string contentType = "text/event-stream") => new RawBehavior(pieces, contentType);

    /// <summary>Waits <paramref name="delay"/> (before any header) and then behaves as <paramref name="then"/>.</summary>
    public static Behavior Delay(TimeSpan delay, Behavior then) => new DelayBehavior(delay, then);

    internal abstract Task ExecuteAsync(BehaviorContext context);

    private static async Task StartSseAsync(BehaviorContext context)
    {
        var response = context.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(context.Cancellation);
        // The headers are on the wire before any chunk: a stream that stalls or resets next has started.
        await response.Body.FlushAsync(context.Cancellation);
    }

    private static async Task WriteChunksAsync(BehaviorContext context, int count, int total, TimeSpan interval)
    {
        for (var i = 0; i < count; i++)
        {
            if (i > 0 && interval > TimeSpan.Zero)
            {
                await Task.Delay(interval, context.Cancellation);
            }

            await WriteEventAsync(context, OpenAiPayloads.ChatCompletionChunk(context.Model, i, total, context.IncludeUsage));
        }
    }

    private static Task WriteEventAsync(BehaviorContext context, string data) =>
        WriteRawAsync(context, $"data: {data}\n\n");

    private static async Task WriteRawAsync(BehaviorContext context, string text)
    {
        var body = context.Http.Response.Body;
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), context.Cancellation);
        await body.FlushAsync(context.Cancellation);
    }

    private sealed record JsonBehavior(int StatusCode, string? Body, IReadOnlyDictionary<string, string>? Headers) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            var response = context.Http.Response;
            response.StatusCode = StatusCode;
            response.ContentType = "application/json";
            foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
            {
                response.Headers[name] = value;
            }

            await response.WriteAsync(Body ?? OpenAiPayloads.ChatCompletion(context.Model), context.Cancellation);
        }
    }

    private sealed record CompressedJsonBehavior(string? Body) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            var response = context.Http.Response;
            var bytes = Encoding.UTF8.GetBytes(Body ?? OpenAiPayloads.ChatCompletion(context.Model));
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            if (!context.Http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                await response.Body.WriteAsync(bytes, context.Cancellation);
                return;
            }

            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            response.Headers.ContentEncoding = "gzip";
            await response.Body.WriteAsync(compressed.ToArray(), context.Cancellation);
        }
    }

    private sealed record StatusBehavior(int StatusCode, string? Body, TimeSpan? RetryAfter) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            var response = context.Http.Response;
            response.StatusCode = StatusCode;
            if (RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            if (Body is not null)
            {
                response.ContentType = Body.TrimStart().StartsWith('{') ? "application/json" : "text/plain";
                await response.WriteAsync(Body, context.Cancellation);
            }
        }
    }

    private sealed record SseBehavior(int Chunks, TimeSpan Interval, bool IncludeDone) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            await StartSseAsync(context);
            await WriteChunksAsync(context, Chunks, Chunks, Interval);
            if (context.IncludeUsage)
            {
                await WriteEventAsync(context, OpenAiPayloads.UsageChunk(context.Model, Chunks));
            }

            if (IncludeDone)
            {
                await WriteRawAsync(context, "data: [DONE]\n\n");
            }
        }
    }

    private sealed record StallBeforeHeadersBehavior(TimeSpan? Duration) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            await Task.Delay(Duration ?? Timeout.InfiniteTimeSpan, context.Cancellation);
            context.Abort();
        }
    }

    private sealed record StallMidStreamBehavior(int ChunksBeforeStall) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            await StartSseAsync(context);
            await WriteChunksAsync(context, ChunksBeforeStall, int.MaxValue, TimeSpan.Zero);
            await Task.Delay(Timeout.Infinite, context.Cancellation);
        }
    }

    private sealed record ResetBehavior(int ChunksBefore, bool MidStream) : Behavior
    {
        // Kestrel drops bytes still queued for the socket when the connection is aborted; give the
        // flushed chunks a moment to leave so the client sees them before the reset.
        private static readonly TimeSpan _drainDelay = TimeSpan.FromMilliseconds(50);

        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            if (MidStream)
            {
                await StartSseAsync(context);
                await WriteChunksAsync(context, ChunksBefore, int.MaxValue, TimeSpan.Zero);
                await Task.Delay(_drainDelay, context.Cancellation);
            }

            context.Abort();
        }
    }

    private sealed record MalformedSseBehavior : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            await StartSseAsync(context);
            await WriteRawAsync(context, "this is not an event\n\n");
            await WriteRawAsync(context, "data: {\"id\":\"chatcmpl-fake\",\"choices\":[{\"delta\":\n\n");
            await WriteRawAsync(context, "event without a colon\ndata\n\n");
            await WriteRawAsync(context, "data: \u0001\u0002 not json at all }\n\n");
        }
    }

    private sealed record RawBehavior(IReadOnlyList<string> Pieces, string ContentType) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            var response = context.Http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            await response.StartAsync(context.Cancellation);
            foreach (var piece in Pieces)
            {
                await WriteRawAsync(context, piece);
            }
        }
    }

    private sealed record DelayBehavior(TimeSpan Duration, Behavior Then) : Behavior
    {
        internal override async Task ExecuteAsync(BehaviorContext context)
        {
            await Task.Delay(Duration, context.Cancellation);
            await Then.ExecuteAsync(context);
        }
    }
}
