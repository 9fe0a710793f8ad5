using Microsoft.AspNetCore.Http;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>What a <see cref="Behavior"/> needs to answer one request.</summary>
internal sealed class BehaviorContext(HttpContext http, string model, bool includeUsage, CancellationToken cancellation)
{
    private volatile bool _selfAborted;
    private volatile bool _completed;

    public HttpContext Http => http;

    /// <summary>The <c>model</c> of the request body, echoed into generated payloads.</summary>
    public string Model => model;

    /// <summary>The request asked for the usage chunk of a stream (<c>stream_options.include_usage: true</c>).</summary>
    public bool IncludeUsage => includeUsage;

    /// <summary>Fires when the client goes away or the upstream is stopping.</summary>
    public CancellationToken Cancellation => cancellation;

    /// <summary>True once the fake itself reset the connection; such aborts are not client cancellations.</summary>
    public bool SelfAborted => _selfAborted;

    public bool Completed => _completed;

    public void Abort()
    {
        _selfAborted = true;
        http.Abort();
    }

    public void MarkCompleted() => _completed = true;
}
