using System.Diagnostics;
using System.Text;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// A client reading a server-sent event stream as it arrives, on its own connection: the events so far
/// (each as its raw lines), a wait for the n-th event, and the moment the stream ended.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly List<string> _events = [];
    private readonly SemaphoreSlim _arrived = new(0);

    private SseReader(HttpClient client, HttpResponseMessage response)
    {
        _client = client;
        _response = response;
        Completion = Task.Run(ReadAsync);
    }

    public int Status => (int)_response.StatusCode;

    /// <summary>The events received so far, each as its lines joined with <c>\n</c>.</summary>
    public IReadOnlyList<string> Events { get { lock (_events) return [.. _events]; } }

    /// <summary>Completes when the server ended the stream; faults when the connection broke instead.</summary>
    public Task Completion { get; }

    /// <summary>Stopwatch timestamp at which the stream ended or broke.</summary>
    public long EndedAt { get; private set; }

    /// <summary>The <c>chat.completion.chunk</c> data events received.</summary>
    public int Chunks => Events.Count(e => e.StartsWith("data: {", StringComparison.Ordinal) && e.Contains("chat.completion.chunk", StringComparison.Ordinal));

    public bool Done => Events.Contains("data: [DONE]");

    /// <summary>Posts a streamed chat request to <paramref name="baseAddress"/> and returns once the response headers arrived.</summary>
    public static async Task<SseReader> OpenAsync(Uri baseAddress, string model = "m")
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var response = await client.SendAsync(Chat.Request(model, stream: true), HttpCompletionOption.ResponseHeadersRead);
        return new SseReader(client, response);
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived.</summary>
    public async Task WaitForEventsAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Events.Count < count)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (Completion.IsCompleted || left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                if (Events.Count >= count) return;
                throw new TimeoutException($"expected {count} events, got {Events.Count} (stream ended: {Completion.IsCompleted}):\n{string.Join("\n\n", Events)}");
            }
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync());
            var current = new StringBuilder();
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length > 0)
                {
                    current.Append(current.Length > 0 ? "\n" : "").Append(line);
                    continue;
                }
                if (current.Length == 0) continue;
                lock (_events) _events.Add(current.ToString());
                current.Clear();
                _arrived.Release();
            }
        }
        finally
        {
            EndedAt = Stopwatch.GetTimestamp();
            _arrived.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _response.Dispose();
        _client.Dispose();
        try { await Completion; } catch (Exception) { }
        _arrived.Dispose();
    }
}
