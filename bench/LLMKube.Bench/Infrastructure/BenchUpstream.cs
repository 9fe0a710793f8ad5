using System.Text;

namespace LLMKube.Bench.Infrastructure;

/// <summary>
/// The benchmark's upstream: an OpenAI-shaped server with a fixed latency and an SSE mode. Each request
/// may override the behaviour with headers (forwarded by the gateway): <c>x-bench-latency-ms</c>,
/// <c>x-bench-sse-chunks</c>, <c>x-bench-sse-interval-ms</c>, <c>x-bench-reset</c>, <c>x-bench-status</c>.
/// <c>GET /_stats</c> answers how many requests arrived; <c>POST /_mode?status=N</c> forces a status. A stream
/// that asked for <c>stream_options.include_usage</c> ends with OpenAI's usage-only chunk.
/// Runs in its own process (<c>bench upstream</c>).
/// </summary>
public static class BenchUpstream
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""");
    private static readonly byte[] Chunk = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"}}]}\n\n");
    private static readonly byte[] UsageChunk = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":5,\"total_tokens\":6}}\n\n");
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private static long _requests;
    private static volatile int _forcedStatus;

    public static async Task RunAsync(int port, int latencyMs, bool reset)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        app.MapGet("/_stats", () => Results.Text(Interlocked.Read(ref _requests).ToString()));
        app.MapGet("/healthz", () => "ok");
        // Switches every answer to this status (0 = normal), to drive a backend into quarantine and keep it there.
        app.MapPost("/_mode", (int status) => { _forcedStatus = status; return Results.Ok(); });
        app.Map("/{**path}", async context =>
        {
            Interlocked.Increment(ref _requests);
            var headers = context.Request.Headers;
            // Read the body as an OpenAI server would, to answer stream_options.include_usage like one.
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var includeUsage = body.GetBuffer().AsSpan(0, (int)body.Length).IndexOf("\"include_usage\":true"u8) >= 0;
            if (reset || headers.ContainsKey("x-bench-reset")) { context.Abort(); return; }
            if (_forcedStatus > 0) { context.Response.StatusCode = _forcedStatus; return; }
            var latency = int.TryParse(headers["x-bench-latency-ms"], out var l) ? l : latencyMs;
            if (latency > 0) await Task.Delay(latency);
            if (int.TryParse(headers["x-bench-status"], out var status)) { context.Response.StatusCode = status; return; }
            if (int.TryParse(headers["x-bench-sse-chunks"], out var chunks))
            {
                var interval = int.TryParse(headers["x-bench-sse-interval-ms"], out var i) ? i : 0;
                context.Response.ContentType = "text/event-stream";
                for (var c = 0; c < chunks; c++)
                {
                    if (c > 0 && interval > 0) await Task.Delay(interval, context.RequestAborted);
                    await context.Response.Body.WriteAsync(Chunk, context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
                if (includeUsage) await context.Response.Body.WriteAsync(UsageChunk, context.RequestAborted);
                await context.Response.Body.WriteAsync(Done, context.RequestAborted);
                return;
            }
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Completion.Length;
            await context.Response.Body.WriteAsync(Completion);
        });
        await app.RunAsync();
    }
}
