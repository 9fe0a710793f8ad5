namespace LLMKube.Gateway.Health;

internal sealed partial class HealthCheckMonitor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "backend {Backend}: this gateway runs the health checks")]
        public static partial void Prober(ILogger logger, string backend);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "backend {Backend}: health checks run by another gateway")]
        public static partial void Standby(ILogger logger, string backend);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "backend {Backend}: cluster unreachable, health checks run on this gateway's own authority")]
        public static partial void Degraded(ILogger logger, string backend);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Debug, Message = "backend {Backend}: health check passed ({Role})")]
        public static partial void Passed(ILogger logger, string backend, HealthCheckRole role);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "backend {Backend}: health check failed ({Role}): {Error}")]
        public static partial void Failed(ILogger logger, string backend, HealthCheckRole role, string error);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "backend {Backend}: health check left to the lease holder")]
        public static partial void LeftToHolder(ILogger logger, string backend);

        [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "backend {Backend}: health check skipped, credential {Key} is not set")]
        public static partial void CredentialMissing(ILogger logger, string backend, string key);

        [LoggerMessage(EventId = 2108, Level = LogLevel.Error, Message = "backend {Backend}: health check could not run")]
        public static partial void CheckFailed(ILogger logger, string backend, Exception exception);
    }
}
