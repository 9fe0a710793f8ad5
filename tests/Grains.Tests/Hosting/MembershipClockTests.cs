using System.Diagnostics;
using LLMKube.Grains.Hosting;

namespace LLMKube.Grains.Tests.Hosting;

/// <summary>
/// Orleans' silo watchdog can read its component-check timestamp before writing it, and measures from 0: the
/// membership clock must make that 0 a moment near process start, while measuring real intervals unchanged.
/// </summary>
public sealed class MembershipClockTests
{
    [Fact]
    public void ZeroTimestamp_ReadsAsTimeSinceProcessStart_WhereTheSystemClockReadsTheMachineUptime()
    {
        var processAge = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var uptime = TimeSpan.FromMilliseconds(Environment.TickCount64);

        // The race as it was: from 0, TimeProvider.System measures the time since boot (the "has not completed
        // for 01:34:44" of the warning), far above the watchdog's 20 s threshold on any machine up for a while.
        Assert.InRange(TimeProvider.System.GetElapsedTime(0), uptime - TimeSpan.FromSeconds(1), uptime + TimeSpan.FromSeconds(1));
        // With the membership clock, 0 is no earlier than this process's start.
        Assert.InRange(MembershipClock.Instance.GetElapsedTime(0), TimeSpan.Zero, processAge + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Intervals_AreMeasuredAsByTheSystemClock()
    {
        var clock = MembershipClock.Instance;
        Assert.Equal(Stopwatch.Frequency, clock.TimestampFrequency);

        // Each interval encloses the other clock's: the two clocks differ by a constant offset only.
        var outerStart = Stopwatch.GetTimestamp();
        var start = clock.GetTimestamp();
        var innerStart = Stopwatch.GetTimestamp();
        Thread.SpinWait(100_000);
        var innerEnd = Stopwatch.GetTimestamp();
        var end = clock.GetTimestamp();
        var outerEnd = Stopwatch.GetTimestamp();

        var measured = clock.GetElapsedTime(start, end);
        Assert.InRange(measured, Stopwatch.GetElapsedTime(innerStart, innerEnd), Stopwatch.GetElapsedTime(outerStart, outerEnd));
        Assert.True(measured > TimeSpan.Zero);
    }
}
