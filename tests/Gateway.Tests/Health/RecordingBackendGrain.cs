using System.Collections.Concurrent;
using LLMKube.Grains.Backends;

namespace LLMKube.Gateway.Tests.Health;

/// <summary>
/// A hand-written Backend grain for <see cref="Gateway.Health.BackendRuntime"/> unit tests: it records
/// what the gateway sends and answers as told. <see cref="Unreachable"/> fails every call as a lost
/// cluster would; <see cref="Silent"/> never answers.
/// </summary>
internal sealed class RecordingBackendGrain : IBackendGrain
{
    public ConcurrentQueue<AttemptReport> Reports { get; } = new();

    public ConcurrentQueue<HealthCheckReport> CheckReports { get; } = new();

    public bool Unreachable { get; set; }

    public bool Silent { get; set; }

    /// <summary>The answer to the next probe-lease requests.</summary>
    public ProbeDecision? ProbeAnswer { get; set; }

    public bool GrantHealthCheck { get; set; } = true;

    public int ProbeRequests;

    public Task<BackendHealth> Configure(BackendSettings settings) => throw new NotSupportedException();

    public Task<BackendHealth> GetHealth() => throw new NotSupportedException();

    public Task SetBlock(string source, string? reason) => throw new NotSupportedException();

    public Task Report(AttemptReport report)
    {
        if (Unreachable) return Task.FromException(new TimeoutException("cluster unreachable"));
        Reports.Enqueue(report);
        return Task.CompletedTask;
    }

    public Task<ProbeDecision> TryAcquireProbe(string holder, string upstream, TimeSpan lease)
    {
        Interlocked.Increment(ref ProbeRequests);
        return Answer(() => ProbeAnswer ?? throw new InvalidOperationException("no probe answer set"));
    }

    public Task<bool> TryAcquireHealthCheck(string holder, string upstream, TimeSpan lease) => Answer(() => GrantHealthCheck);

    public Task ReportHealthCheck(HealthCheckReport report)
    {
        if (Unreachable) throw new TimeoutException("cluster unreachable");
        CheckReports.Enqueue(report);
        return Task.CompletedTask;
    }

    private Task<T> Answer<T>(Func<T> answer)
    {
        if (Silent) return new TaskCompletionSource<T>().Task;
        return Unreachable ? Task.FromException<T>(new TimeoutException("cluster unreachable")) : Task.FromResult(answer());
    }
}
