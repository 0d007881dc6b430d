using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Http;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Http;

/// <summary>The API's limiter on a fake clock: the timer fires inside Advance, and a waiter completes inside it, so each step is exact.</summary>
public sealed class ApiRateLimiterTests
{
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan JustShort = Spacing - TimeSpan.FromMilliseconds(1);

    [Fact]
    public void After_a_pause_the_second_request_still_waits_a_whole_spacing()
    {
        // One permit, however long it stood unused: a pause buys no burst.
        var time = new FakeTimeProvider();
        using var limiter = new ApiRateLimiter(Spacing, time);

        foreach (TimeSpan pause in new[] { TimeSpan.FromSeconds(5), Spacing, TimeSpan.FromMinutes(1) })
        {
            time.Advance(pause);
            Assert.True(limiter.WaitAsync().IsCompleted);

            Task second = limiter.WaitAsync();
            Assert.False(second.IsCompleted);
            time.Advance(JustShort);
            Assert.False(second.IsCompleted);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(second.IsCompleted);
            Assert.True(second.Status == TaskStatus.RanToCompletion);
        }
    }

    [Fact]
    public void Waiters_go_oldest_first_one_each_spacing()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ApiRateLimiter(Spacing, time);
        Assert.True(limiter.WaitAsync().IsCompleted);
        var waiting = new Task[4];
        for (int i = 0; i < waiting.Length; i++)
        {
            waiting[i] = limiter.WaitAsync();
        }

        Assert.Equal(4, limiter.Waiting);
        for (int due = 0; due < waiting.Length; due++)
        {
            time.Advance(JustShort);
            Assert.Equal(due, Array.FindAll(waiting, w => w.IsCompleted).Length);
            time.Advance(TimeSpan.FromMilliseconds(1));
            for (int i = 0; i < waiting.Length; i++)
            {
                Assert.Equal(i <= due, waiting[i].IsCompleted);
            }
        }

        Assert.Equal(0, limiter.Waiting);

        // With nobody waiting, a request is still held to the spacing since the last permit.
        time.Advance(JustShort);
        Task next = limiter.WaitAsync();
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void A_late_timer_lets_one_through_and_an_early_one_none()
    {
        // The system timer runs late on a busy machine, and its clock is not quite the timestamp's: the permit
        // goes by the clock, and the next is counted from when the last one went.
        var clock = new ManualTimerClock();
        using var limiter = new ApiRateLimiter(Spacing, clock);
        Assert.True(limiter.WaitAsync().IsCompleted);
        var waiting = new Task[3];
        for (int i = 0; i < waiting.Length; i++)
        {
            waiting[i] = limiter.WaitAsync();
        }

        Assert.Equal(Spacing, clock.Due);

        clock.Now = TimeSpan.FromSeconds(1); // three spacings late
        clock.Fire();
        Assert.True(waiting[0].IsCompleted);
        Assert.False(waiting[1].IsCompleted);
        Assert.Equal(Spacing, clock.Due);

        clock.Now = TimeSpan.FromMilliseconds(1100); // 150 ms early
        clock.Fire();
        Assert.False(waiting[1].IsCompleted);
        Assert.Equal(TimeSpan.FromMilliseconds(150), clock.Due);

        clock.Now = TimeSpan.FromMilliseconds(1250);
        clock.Fire();
        Assert.True(waiting[1].IsCompleted);
        Assert.False(waiting[2].IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_its_turn_to_the_next()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ApiRateLimiter(Spacing, time);
        Assert.True(limiter.WaitAsync().IsCompleted);
        using var cancel = new CancellationTokenSource();
        Task cancelled = limiter.WaitAsync(cancel.Token);
        Task next = limiter.WaitAsync();
        Assert.Equal(2, limiter.Waiting);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, limiter.Waiting);

        time.Advance(JustShort);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public async Task Disposing_fails_the_waiters()
    {
        var time = new FakeTimeProvider();
        var limiter = new ApiRateLimiter(Spacing, time);
        Assert.True(limiter.WaitAsync().IsCompleted);
        Task waiting = limiter.WaitAsync();

        limiter.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => limiter.WaitAsync());
        time.Advance(TimeSpan.FromSeconds(1)); // the timer is gone: nothing fires
    }

    [Fact]
    public async Task On_the_system_clock_three_permits_take_at_least_two_spacings()
    {
        // The process-wide limiter's real clock. Only a lower bound: a busy machine makes this slower, never faster.
        using ApiRateLimiter limiter = ApiRateLimiters.Create();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            await limiter.WaitAsync();
        }

        Assert.True(watch.Elapsed >= Spacing + Spacing, $"3 permits in {watch.Elapsed.TotalMilliseconds} ms");
    }

    /// <summary>A clock set by hand, with one timer that fires only when told: late, early, whenever.</summary>
    private sealed class ManualTimerClock : TimeProvider
    {
        private TimerCallback? callback;
        private object? state;

        public TimeSpan Now { get; set; }

        /// <summary>The due time of the last Change that armed the timer.</summary>
        public TimeSpan? Due { get; private set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            this.callback = callback;
            this.state = state;
            return new Timer(this);
        }

        public void Fire()
        {
            Assert.NotNull(Due);
            Due = null;
            callback!(state);
        }

        private sealed class Timer(ManualTimerClock clock) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                clock.Due = dueTime == Timeout.InfiniteTimeSpan ? null : dueTime;
                return true;
            }

            public void Dispose() => clock.Due = null;

            public ValueTask DisposeAsync()
            {
                Dispose();
                return default;
            }
        }
    }
}
