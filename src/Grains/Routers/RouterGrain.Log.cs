using Microsoft.Extensions.Logging;

namespace LLMKube.Grains.Routers;

public sealed partial class RouterGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "router {Router}: config version {Version} applied ({Backends} backends, {Rules} rules)")]
        public static partial void Applied(ILogger logger, string router, long version, int backends, int rules);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "router {Router}: config not persisted, served from memory until storage returns")]
        public static partial void NotPersisted(ILogger logger, string router, Exception exception);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "router {Router}: config version {Version} not published to the routing table, retrying in {Delay}")]
        public static partial void PublishFailed(ILogger logger, string router, long version, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "router {Router}: config version {Version} published after {Failures} failed attempts")]
        public static partial void Published(ILogger logger, string router, long version, int failures);
    }
}
