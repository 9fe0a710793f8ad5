using LLMKube.Gateway.Forwarding;
using Microsoft.Extensions.Time.Testing;

namespace LLMKube.Gateway.Tests.Forwarding;

public sealed class DeadlinePoolTests
{
    [Fact]
    public void AReturnedSource_IsReused_WithoutItsRegistrations()
    {
        var pool = new DeadlinePool(TimeProvider.System);
        var first = pool.Rent(TimeSpan.FromMinutes(1));
        var called = false;
        first.Token.Register(() => called = true);
        pool.Return(first);

        var second = pool.Rent(TimeSpan.FromMinutes(1));
        Assert.Same(first, second);
        second.Cancel();
        Assert.False(called);
    }

    [Fact]
    public void ACancelledSource_IsNotReused()
    {
        var pool = new DeadlinePool(TimeProvider.System);
        var first = pool.Rent(TimeSpan.FromMinutes(1));
        first.Cancel();
        pool.Return(first);

        var second = pool.Rent(TimeSpan.FromMinutes(1));
        Assert.NotSame(first, second);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public void AReusedSource_FiresAfterItsNewDelay()
    {
        var pool = new DeadlinePool(TimeProvider.System);
        pool.Return(pool.Rent(TimeSpan.FromMinutes(1)));
        var source = pool.Rent(TimeSpan.FromMilliseconds(1));
        Assert.True(source.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AFakeClock_GetsSourcesOfThatClock()
    {
        var clock = new FakeTimeProvider();
        var pool = new DeadlinePool(clock);
        var source = pool.Rent(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(source.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(source.IsCancellationRequested);
        pool.Return(source);
        Assert.NotSame(source, pool.Rent(TimeSpan.FromSeconds(5)));
    }
}
