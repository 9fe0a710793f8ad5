using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace LLMKube.Grains.Hosting;

/// <summary>
/// The clock of a silo's membership loops, counting timestamps from process start instead of machine boot.
/// Orleans' silo watchdog starts its stall check on one thread before another has written the first
/// timestamp; read as zero, a boot-based timestamp made the silo log "Participant check thread has not
/// completed for &lt;the machine's uptime&gt;" on about half the starts. Counted from process start, that zero
/// reads as a few seconds, below the twice-the-period threshold the warning needs, while every real
/// measurement (the difference of two timestamps) is the same as with <see cref="TimeProvider.System"/>.
/// </summary>
public sealed class MembershipClock : TimeProvider
{
    private static readonly long _origin = Stopwatch.GetTimestamp();

    private MembershipClock()
    {
    }

    public static MembershipClock Instance { get; } = new();

    public override long GetTimestamp() => Stopwatch.GetTimestamp() - _origin;

    /// <summary>Pins the silo's membership area (<see cref="TimeProviderNames.Membership"/>) to this clock.</summary>
    public static ISiloBuilder Use(ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, Instance);
        return silo;
    }
}
