using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.TestDoubles;

/// <summary>
/// A FakeTimeProvider that knows which of its timers are armed and when they are due. A test moves this clock
/// only while the code under test waits on one of its timers, and only to the moment the first one is due: the
/// code sees the same times however late a busy machine runs its continuations, where a loop that advanced a
/// fixed step every real millisecond would race ahead of it. Real time only bounds how long a test may hang.
/// </summary>
internal sealed class TimerClock : FakeTimeProvider
{
    /// <summary>How long a test waits for the code to reach its next timer or to finish: a hang guard, never a measurement.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly object gate = new();
    private readonly List<TrackedTimer> armed = new();
    private TaskCompletionSource changed = NewSignal();

    public TimerClock()
        : this(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public TimerClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>When the first armed timer is due; null when none is armed.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (gate)
            {
                return armed.Count == 0 ? null : armed.Min(t => t.DueAt);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Inner = base.CreateTimer(
            s =>
            {
                tracked.OnFired();
                callback(s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        tracked.Change(dueTime, period);
        return tracked;
    }

    /// <summary>
    /// How far ahead <see cref="DriveAsync"/> looks for a timer to move to. A timer due later is a watchdog (a run's
    /// deadline, armed for the whole run) that the code is not waiting on; moving to it while the code is busy between
    /// two waits would fire it. A test that wants a watchdog to fire sets it within this horizon.
    /// </summary>
    public static readonly TimeSpan DriveHorizon = TimeSpan.FromMinutes(15);

    /// <summary>Moves the clock to each timer as the code arms it, until <paramref name="task"/> ends (which this does not observe).</summary>
    public async Task DriveAsync(Task task)
    {
        var guard = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            Assert.True(guard.Elapsed < HangGuard, $"The code under test did not finish within {HangGuard.TotalMinutes} minutes (hang guard).");
            Task armedSignal = Signal;
            if (TryMoveToNextDue(DriveHorizon))
            {
                await Task.Yield();
                continue;
            }

            await Task.WhenAny(task, armedSignal, Task.Delay(TimeSpan.FromMilliseconds(100))).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the code arms a timer (or one is armed already); returns when it is due.</summary>
    public async Task<DateTimeOffset> WaitForTimerAsync()
    {
        var guard = Stopwatch.StartNew();
        while (true)
        {
            Task armedSignal = Signal;
            if (NextDue is { } due)
            {
                return due;
            }

            await Task.WhenAny(armedSignal, Task.Delay(TimeSpan.FromMilliseconds(100))).ConfigureAwait(false);
            Assert.True(guard.Elapsed < HangGuard, $"No timer was armed within {HangGuard.TotalMinutes} minutes (hang guard).");
        }
    }

    /// <summary>
    /// Waits until the code arms a timer due at <paramref name="due"/>. A test that moves the clock by hand waits for
    /// this first: moved before the code armed its timer, the clock would leave that timer due later than meant.
    /// </summary>
    public async Task WaitForTimerDueAsync(DateTimeOffset due)
    {
        var guard = Stopwatch.StartNew();
        while (true)
        {
            Task armedSignal = Signal;
            lock (gate)
            {
                if (armed.Any(t => t.DueAt == due))
                {
                    return;
                }
            }

            await Task.WhenAny(armedSignal, Task.Delay(TimeSpan.FromMilliseconds(100))).ConfigureAwait(false);
            Assert.True(guard.Elapsed < HangGuard, $"No timer due at {due:O} was armed within {HangGuard.TotalMinutes} minutes (hang guard).");
        }
    }

    /// <summary>Waits until the code arms a timer, then moves the clock to the moment it is due (which fires it).</summary>
    public async Task AdvanceToNextTimerAsync() => MoveTo(await WaitForTimerAsync().ConfigureAwait(false));

    private Task Signal
    {
        get
        {
            lock (gate)
            {
                return changed.Task;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void MoveTo(DateTimeOffset due)
    {
        lock (gate)
        {
            TimeSpan step = due - GetUtcNow();
            Advance(step > TimeSpan.Zero ? step : TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Moves the clock to the first armed timer due within <paramref name="horizon"/>; false when there is none. Under
    /// the same lock as a timer's arming, so a timer is never seen armed at one time while it waits for another.
    /// </summary>
    private bool TryMoveToNextDue(TimeSpan horizon)
    {
        lock (gate)
        {
            if (armed.Count == 0)
            {
                return false;
            }

            DateTimeOffset due = armed.Min(t => t.DueAt);
            TimeSpan step = due - GetUtcNow();
            if (step > horizon)
            {
                return false;
            }

            Advance(step > TimeSpan.Zero ? step : TimeSpan.Zero);
            return true;
        }
    }

    private void Armed(TrackedTimer timer)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            if (!armed.Contains(timer))
            {
                armed.Add(timer);
            }

            signal = changed;
            changed = NewSignal();
        }

        signal.TrySetResult();
    }

    private void Disarmed(TrackedTimer timer)
    {
        lock (gate)
        {
            armed.Remove(timer);
        }
    }

    private sealed class TrackedTimer : ITimer
    {
        private readonly TimerClock clock;
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public TrackedTimer(TimerClock clock) => this.clock = clock;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // The due time kept here and the inner timer's are set at one clock reading: the clock cannot move between
            // them (MoveTo takes the same lock), or the timer would be seen due at a time it does not fire.
            lock (clock.gate)
            {
                this.period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    clock.Disarmed(this);
                }
                else
                {
                    DueAt = clock.GetUtcNow() + dueTime;
                    clock.Armed(this);
                }

                // After the bookkeeping: a timer due now fires inside this call.
                return Inner.Change(dueTime, period);
            }
        }

        public void OnFired()
        {
            if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero)
            {
                DueAt += period;
            }
            else
            {
                clock.Disarmed(this);
            }
        }

        public void Dispose()
        {
            clock.Disarmed(this);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
