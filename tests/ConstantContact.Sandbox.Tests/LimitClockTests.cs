using ConstantContact.Sandbox.Limits;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContact.Sandbox.Tests;

/// <summary>The limits against a fake clock: refill and the UTC midnight reset without waiting.</summary>
public sealed class LimitClockTests
{
    [Fact]
    public void The_bucket_lets_a_burst_through_then_refills_at_the_rate()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(4, time);
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire("app")));
        Assert.True(limiter.TryAcquire("another app"));

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(limiter.TryAcquire("app"));
        Assert.False(limiter.TryAcquire("app"));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire("app")));
    }

    [Fact]
    public void The_daily_quota_starts_again_at_midnight_utc()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 23, 59, 0, TimeSpan.Zero));
        var quota = new DailyQuota(2, time);
        Assert.True(quota.TryConsume("app"));
        Assert.True(quota.TryConsume("app"));
        Assert.False(quota.TryConsume("app"));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(quota.TryConsume("app"));
        Assert.Equal(1, quota.Used("app"));
    }
}
