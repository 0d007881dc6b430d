using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// One request each <see cref="Spacing"/>, oldest caller first: the first goes at once, and no permit is handed
/// out less than a spacing after the one before (by the clock, whenever the timer fires), so no second ever sees
/// more than 1 / spacing requests and a pause buys no burst. Every clock reading and the one timer go through
/// the <see cref="TimeProvider"/>, and a waiter's task completes inside the timer's callback, so tests step it on
/// a fake clock.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly object gate = new();
    private readonly Queue<TaskCompletionSource<bool>> waiters = new();
    private long? lastPermit;
    private bool disposed;

    public ApiRateLimiter(TimeSpan spacing, TimeProvider time)
    {
        if (spacing <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "The spacing must be positive.");
        }

        Spacing = spacing;
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Spacing { get; }

    /// <summary>How many callers wait for a permit now.</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                int waiting = 0;
                foreach (TaskCompletionSource<bool> waiter in waiters)
                {
                    waiting += waiter.Task.IsCompleted ? 0 : 1;
                }

                return waiting;
            }
        }
    }

    /// <summary>Completes when this caller may send; cancelled with <paramref name="cancellationToken"/>; fails with ObjectDisposedException once disposed.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            if (disposed)
            {
                throw new ObjectDisposedException(nameof(ApiRateLimiter));
            }

            DropFinishedHeads();
            long now = time.GetTimestamp();
            if (waiters.Count == 0 && PermitDue(now))
            {
                lastPermit = now;
                return Task.CompletedTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled(cancellationToken);
            }

            var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Enqueue(waiter);
            if (waiters.Count == 1)
            {
                Arm(now);
            }

            if (cancellationToken.CanBeCanceled)
            {
                // A cancelled waiter stays queued and is skipped when it reaches the head; under the gate, so the
                // timer never hands it a permit after it was cancelled.
                CancellationTokenRegistration registration = cancellationToken.Register(() =>
                {
                    lock (gate)
                    {
                        waiter.TrySetCanceled(cancellationToken);
                    }
                });
                waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return waiter.Task;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            timer.Dispose();
            while (waiters.Count > 0)
            {
                waiters.Dequeue().TrySetException(new ObjectDisposedException(nameof(ApiRateLimiter)));
            }
        }
    }

    private bool PermitDue(long now) => lastPermit is not long last || time.GetElapsedTime(last, now) >= Spacing;

    private void DropFinishedHeads()
    {
        while (waiters.Count > 0 && waiters.Peek().Task.IsCompleted)
        {
            waiters.Dequeue();
        }
    }

    /// <summary>Sets the timer for when the next permit is due, rounded up to a whole millisecond (the system timer's unit).</summary>
    private void Arm(long now)
    {
        TimeSpan due = lastPermit is long last ? Spacing - time.GetElapsedTime(last, now) : TimeSpan.Zero;
        long ms = (due.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        timer.Change(TimeSpan.FromMilliseconds(Math.Max(ms, 1)), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            // A late timer lets only the head through (the next permit counts from now); an early one, none.
            long now = time.GetTimestamp();
            DropFinishedHeads();
            if (waiters.Count > 0 && PermitDue(now))
            {
                lastPermit = now;
                waiters.Dequeue().TrySetResult(true);
                DropFinishedHeads();
            }

            if (waiters.Count > 0)
            {
                Arm(now);
            }
        }
    }
}
