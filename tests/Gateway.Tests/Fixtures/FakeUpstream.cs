using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>
/// A real Kestrel server on <c>127.0.0.1</c> posing as an OpenAI-compatible backend. It answers any path with
/// the queued or default <see cref="Behavior"/>, records every request, and notices when a client abandons
/// a request mid-answer, so data-plane tests can drive the gateway against real sockets.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private static readonly TimeSpan _stopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentQueue<Behavior> _queue = new();
    private readonly SemaphoreSlim _aborts = new(0);
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _requestWaiters = [];
    private Behavior _behavior = Behavior.Json();
    private Task? _stopping;
    private int _disposed;
    private int _abortedRequests;

    private FakeUpstream()
    {
        // The empty builder skips configuration sources and logging providers: fast to start, silent.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MinRequestBodyDataRate = null;
            options.Limits.MinResponseDataRate = null;
            options.Listen(IPAddress.Loopback, 0);
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = _stopTimeout);
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The root address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The dynamically assigned port.</summary>
    public int Port => BaseAddress.Port;

    /// <summary>The behavior for requests that find the queue empty; can be changed at any time.</summary>
    public Behavior Behavior
    {
        get => Volatile.Read(ref _behavior);
        set => Volatile.Write(ref _behavior, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>A snapshot of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>How many requests were received since start or the last <see cref="ClearRequests"/>.</summary>
    public int RequestCount
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>
    /// How many requests the client abandoned (its <c>RequestAborted</c> fired) while their behavior was
    /// still running. Resets and stops performed by the fake itself are not counted.
    /// </summary>
    public int AbortedRequests => Volatile.Read(ref _abortedRequests);

    /// <summary>Starts a fake upstream on a free loopback port.</summary>
    public static async Task<FakeUpstream> StartAsync()
    {
        var upstream = new FakeUpstream();
        await upstream._app.StartAsync();
        var addresses = upstream._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        upstream.BaseAddress = new Uri(addresses.Addresses.Single());
        return upstream;
    }

    /// <summary>A loopback port nothing listens on, so connecting to it is refused.</summary>
    public static int ReserveClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Queues a behavior for one request; queued behaviors are used first-in first-out before <see cref="Behavior"/>.</summary>
    public void Enqueue(Behavior behavior)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        _queue.Enqueue(behavior);
    }

    /// <summary>Forgets the recorded requests; <see cref="RequestCount"/> starts again from zero.</summary>
    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> requests are recorded; throws <see cref="TimeoutException"/> otherwise.</summary>
    public async Task WaitForRequestAsync(int count, TimeSpan timeout)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_requests.Count >= count)
            {
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _requestWaiters.Add((count, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _requestWaiters.RemoveAll(waiter => waiter.Signal == signal);
                throw new TimeoutException($"Expected {count} request(s) within {timeout}, received {_requests.Count}.");
            }
        }
    }

    /// <summary>
    /// Completes when a client abort is observed. Each abort satisfies exactly one wait, so an abort that
    /// happened before the call is not missed. Throws <see cref="TimeoutException"/> when none arrives in time.
    /// </summary>
    public async Task WaitForAbortAsync(TimeSpan timeout)
    {
        if (!await _aborts.WaitAsync(timeout))
        {
            throw new TimeoutException($"No client abort observed within {timeout}.");
        }
    }

    /// <summary>Aborts requests in flight and stops listening, so the port refuses connections afterwards.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync();
        await _app.DisposeAsync();
        _shutdown.Dispose();
        _aborts.Dispose();
    }

    private async Task StopCoreAsync()
    {
        // Cancel first: stalled behaviors then reset their connections instead of holding Kestrel's graceful stop.
        await _shutdown.CancelAsync();
        using var timeout = new CancellationTokenSource(_stopTimeout);
        await _app.StopAsync(timeout.Token);
    }

    private async Task HandleAsync(HttpContext http)
    {
        byte[] body;
        try
        {
            // No token: a body that fully arrived is recorded even if the client has already left,
            // and its abort is then counted rather than lost.
            body = await ReadBodyAsync(http.Request);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        Record(http.Request, body);
        var behavior = _queue.TryDequeue(out var queued) ? queued : Behavior;

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _shutdown.Token);
        var context = new BehaviorContext(http, OpenAiPayloads.ReadModel(body), OpenAiPayloads.ReadIncludeUsage(body), cancellation.Token);
        var registration = http.RequestAborted.UnsafeRegister(_ => OnRequestAborted(context), null);
        try
        {
            await behavior.ExecuteAsync(context);
        }
        catch (Exception) when (cancellation.IsCancellationRequested || context.SelfAborted)
        {
            if (!http.RequestAborted.IsCancellationRequested)
            {
                // Stopping: reset rather than complete, so clients see a dead upstream, not an empty 200.
                context.Abort();
            }
        }
        finally
        {
            context.MarkCompleted();
            await registration.DisposeAsync();
        }
    }

    private void OnRequestAborted(BehaviorContext context)
    {
        if (context.Completed || context.SelfAborted || _shutdown.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Increment(ref _abortedRequests);
        _aborts.Release();
    }

    private void Record(HttpRequest request, byte[] body)
    {
        var headers = request.Headers.ToDictionary(
            header => header.Key.ToLowerInvariant(),
            header => header.Value.Select(value => value ?? string.Empty).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(
            request.Method,
            request.Path.Value ?? "/",
            request.QueryString.Value ?? string.Empty,
            headers,
            body,
            DateTimeOffset.UtcNow);

        lock (_gate)
        {
            _requests.Add(recorded);
            foreach (var waiter in _requestWaiters.Where(waiter => waiter.Count <= _requests.Count))
            {
                waiter.Signal.TrySetResult();
            }

            _requestWaiters.RemoveAll(waiter => waiter.Signal.Task.IsCompleted);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
