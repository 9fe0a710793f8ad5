using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Backends;

public sealed partial class BackendGrain
{
    // Each kind of transition says what is meaningful for it: an opened circuit its deadline and cause,
    // a closed one what closed it, a counted failure how far it is from the threshold.
    private void LogChange(BackendHealth from, BackendHealth to, string closedBy)
    {
        var policy = Policy;
        switch (CircuitBreaker.Describe(from, to))
        {
            case CircuitChange.Opened:
                Log.CircuitOpened(logger, Key, to.OpenUntil, OpenedBy(to.Cause, policy), to.LastError ?? "");
                break;
            case CircuitChange.Reopened:
                var failed = to.Cause == OpenCause.HealthCheck ? "a health check failed" : "the half-open probe failed";
                Log.CircuitReopened(logger, Key, to.OpenUntil, to.BackoffStep, failed, to.LastError ?? "");
                break;
            case CircuitChange.Extended:
                Log.CircuitHeldOpen(logger, Key, to.OpenUntil, OpenedBy(to.Cause, policy));
                break;
            case CircuitChange.Closed:
                Log.CircuitClosed(logger, Key, closedBy.Length > 0 ? closedBy : "a request succeeded");
                break;
            case CircuitChange.ProbeGranted:
                Log.ProbeGranted(logger, Key, to.ProbeHolder!);
                break;
            case CircuitChange.ProbeReleased:
                Log.ProbeReleased(logger, Key, from.ProbeHolder!);
                break;
            case CircuitChange.Counted:
                Log.Counted(logger, Key, to.Consecutive5xx, policy.Consecutive5xxThreshold, to.CheckFailures, policy.CheckFailureThreshold, to.CheckPasses);
                break;
        }
    }

    private static string OpenedBy(OpenCause cause, BreakerPolicy policy) => cause switch
    {
        OpenCause.ServerErrors when policy.Consecutive5xxThreshold > 1 => $"{policy.Consecutive5xxThreshold} upstream 5xx in a row",
        OpenCause.ServerErrors => "an upstream 5xx",
        OpenCause.HealthCheck when policy.CheckFailureThreshold > 1 => $"{policy.CheckFailureThreshold} failed health checks in a row",
        OpenCause.HealthCheck => "a failed health check",
        OpenCause.RateLimited => "a 429 with Retry-After",
        _ => "a connect error, reset or broken response",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "backend {Backend}: circuit opened until {OpenUntil:O} after {Cause}: {Error}")]
        public static partial void CircuitOpened(ILogger logger, string backend, DateTimeOffset openUntil, string cause, string error);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "backend {Backend}: circuit re-opened until {OpenUntil:O} (backoff step {Step}): {Failed}: {Error}")]
        public static partial void CircuitReopened(ILogger logger, string backend, DateTimeOffset openUntil, int step, string failed, string error);

        [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "backend {Backend}: circuit held open until {OpenUntil:O} after {Cause}")]
        public static partial void CircuitHeldOpen(ILogger logger, string backend, DateTimeOffset openUntil, string cause);

        [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "backend {Backend}: circuit closed: {Reason}")]
        public static partial void CircuitClosed(ILogger logger, string backend, string reason);

        [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "backend {Backend}: half-open probe lease granted to {Holder}")]
        public static partial void ProbeGranted(ILogger logger, string backend, string holder);

        [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "backend {Backend}: half-open probe lease released by {Holder} without a verdict")]
        public static partial void ProbeReleased(ILogger logger, string backend, string holder);

        [LoggerMessage(EventId = 1107, Level = LogLevel.Debug, Message = "backend {Backend}: {Count5xx}/{Threshold5xx} upstream 5xx in a row, {CheckFailures}/{CheckThreshold} failed health checks, {CheckPasses} passed")]
        public static partial void Counted(ILogger logger, string backend, int count5xx, int threshold5xx, int checkFailures, int checkThreshold, int checkPasses);

        [LoggerMessage(EventId = 1108, Level = LogLevel.Information, Message = "backend {Backend}: upstream changed to {Upstream}; circuit reset")]
        public static partial void UpstreamChanged(ILogger logger, string backend, string upstream);

        [LoggerMessage(EventId = 1109, Level = LogLevel.Debug, Message = "backend {Backend}: {Verdict} report about upstream {Upstream} ignored: the backend has moved")]
        public static partial void StaleReportIgnored(ILogger logger, string backend, string verdict, string? upstream);

        [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "backend {Backend}: health checks assigned to {Holder}")]
        public static partial void HealthCheckAssigned(ILogger logger, string backend, string holder);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Debug, Message = "backend {Backend}: health-check result from {Reporter} ignored: not the lease holder, or about another upstream")]
        public static partial void HealthCheckIgnored(ILogger logger, string backend, string reporter);

        [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "backend {Backend}: state not persisted, kept in memory")]
        public static partial void PersistFailed(ILogger logger, string backend, Exception exception);

        [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "backend {Backend}: out of rotation ({Source}): {Reason}")]
        public static partial void Blocked(ILogger logger, string backend, string source, string reason);

        [LoggerMessage(EventId = 1114, Level = LogLevel.Information, Message = "backend {Backend}: {Source} block lifted; remaining blocks: {Remaining}")]
        public static partial void Unblocked(ILogger logger, string backend, string source, string remaining);
    }
}
